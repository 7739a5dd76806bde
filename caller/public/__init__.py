"""The public side for citizens' phones: proving a mobile number by an SMS code (with cool-downs and daily caps
against bots), ahead of booking and remote numbers (the citizen's phone issue)."""
