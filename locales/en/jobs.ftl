## Jobs after training: shared lines

job-line-referred = 💼 Referral: { $name } ({ $village }) is interested in “{ $employer }” and agreed to share their name, village, phone and certificate with the employer.
btn-job-referrals = 📋 Referral list

job-intent-near_home = 🏠 Work near home
job-intent-migrant = 🚌 Willing to work away from home
job-intent-own_business = 🌱 Running my own business
job-intent-not_looking = Not looking for work now

job-status-referred = Referred
job-status-interviewed = Interviewed
job-status-hired = Hired
job-status-not_hired = Not hired
job-status-withdrew = Withdrew

job-pay-month = { $amount } yuan a month
job-pay-day = { $amount } yuan a day
job-card-title = 💼 { $employer }
job-card-work = Work: { $work }
job-card-place = Where: { $place }
job-card-pay = Pay: { $pay }
job-card-dates = When: starts { $starts }, applications close { $closes }
job-card-closes = Applications close { $closes }
job-card-starts-long-term = When: starts { $starts }, long-term
job-card-long-term = When: long-term
job-card-seats = { $seats } { $seats ->
    [one] place
   *[other] places
}, { $left } still open
job-card-travel = 🚌 Travel paid or transport provided
job-card-courses = Needs: a certificate of “{ $courses }”
job-list-separator = ” or “
