"""Follow-ups (跟进): complaints made at the 找茬 / 一次办不好 window and the 整改 that every 不满意 / 非常不满意 rating
opens, each with an owner, the hall's reply deadline in working days, the reply and the call-back (回访)."""
