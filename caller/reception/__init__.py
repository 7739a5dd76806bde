"""The 咨询台 / 导服 desk: issuing tickets for citizens the kiosk cannot serve (no card or phone, the green channel,
a booking the kiosk refused), each with the phone page's QR code. May import engine, storage, queue, api."""
