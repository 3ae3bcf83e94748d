## Jobs after training: the coordinator's referral lists, statuses, follow-up, card and CSV

refer-no-openings = There are no job openings in your regions yet.
refer-openings-title = 💼 Job openings ({ $count }, newest first):
refer-openings-more = Only the newest { $shown } of { $count } are listed.
refer-opening-counts = { $state } · referred { $referred } · interviewed { $interviewed } · hired { $hired }/{ $seats }
refer-state-open = 🟢 Open
refer-state-expired = ⏰ Past its closing date
refer-state-filled = ✅ Filled
refer-state-closed = 🔒 Closed
btn-refer-list = 📋 { $n }. Referrals ({ $referred })
btn-refer-close = 🔒 { $n }. Close (no new referrals)
refer-close-ask = Close “{ $employer }”? It will no longer be offered to villagers and will take no new interest, and it cannot be opened again. People already referred are not affected.
btn-refer-close-confirm = 🔒 Yes, close it
btn-refer-close-keep = Keep it open
refer-close-already = This opening is closed already.
refer-closed = 🔒 “{ $employer }” is closed: it is no longer offered to villagers and takes no new interest. People already referred stay on its list, and their results can still be recorded.

refer-list-title = 📋 Referrals to “{ $employer }”
    { $counts }
refer-list-empty = Nobody has been referred yet.
refer-list-footer = { $count } { $count ->
    [one] person
   *[other] people
}, one message each below with one-tap results. For an employer without Telegram: the spreadsheet, or each person's card.
refer-list-more = Only the first { $shown } are shown below; the spreadsheet has everyone.
refer-entry-name = 👤 { $name } ({ $village })
refer-entry-phone = 📱 { $phone }
refer-entry-no-phone = 📱 no phone
refer-entry-certificate = 🎓 { $course } · certificate { $code }
refer-entry-status = Status: { $status } (since { $since })
btn-refer-card = 🖨 Card
btn-refer-csv = 📄 Export CSV

refer-changed = Now: { $status }
refer-already = It is “{ $status }” already.
refer-outdated = This message is out of date: it is “{ $status }” now; nothing was changed.
refer-lost = Someone else just set it to “{ $status }”; nothing was changed.
refer-settled = The result is recorded as “{ $status }”. If it has changed, please contact the training office{ $contact ->
    [none] .
   *[other] : { $contact }
}

refer-line-person-status = 💼 { $name } tells us: at “{ $employer }” the result is “{ $status }”.

refer-follow-up = 💼 Two weeks ago you agreed to be referred to “{ $employer }”. How did it go? Tap one:
refer-answer-interviewed = Interviewed, waiting
refer-answer-hired = I was hired
refer-answer-not_hired = I was not hired
refer-answer-withdrew = I am not going
refer-person-hired = 🎉 Congratulations! Noted: “{ $employer }” hired you. All the best in the new job!
refer-person-interviewed = Noted: you had your interview at “{ $employer }” and are waiting. Tap below when you know the result.
refer-person-not-hired = Noted. Never mind this time; we will tell you about other suitable openings.
refer-person-withdrew = Noted: you are not going. We will tell you about other suitable openings.

refer-card-title = Field School · Job referral card
refer-card-opening = Referred to: { $employer } · { $work }
refer-card-village = Village: { $village }
refer-card-phone = Phone: { $phone }
refer-card-certificate = Certificate: { $course } (no. { $code })
refer-card-referred-on = Referred on: { $date }
refer-card-footer = Training office: { $contact ->
    [none] ask the local training office
   *[other] { $contact }
}
refer-card-caption = 🖨 { $name }'s referral card, to print or forward to the employer.

refer-csv-file = referrals
refer-csv-caption = 📄 Referrals to “{ $employer }” ({ $count })
refer-csv-name = Name
refer-csv-village = Village
refer-csv-phone = Phone
refer-csv-certificate = Certificate no.
refer-csv-course = Course
refer-csv-status = Status
refer-csv-referred-on = Referred on
refer-csv-interviewed-on = Interviewed on
refer-csv-settled-on = Result on

## /outcomes: the recorded referrals (not survey answers)
outcomes-referrals = [Job referrals, as recorded by the office] { $referrals } { $referrals ->
    [one] referral
   *[other] referrals
} of { $people } { $people ->
    [one] person
   *[other] people
}
outcomes-referrals-interviewed = Interviewed: { $count }/{ $n }, { $rate }
outcomes-referrals-hired = Hired: { $count }/{ $n } ({ $people } { $people ->
    [one] person
   *[other] people
} hired through a referral, as recorded), { $rate }
outcomes-referrals-none = [Job referrals, as recorded by the office] none yet
outcomes-referrals-csv-file = job-referrals
outcomes-referrals-csv-caption = { $count } recorded { $count ->
    [one] referral
   *[other] referrals
} (one row per person and opening); the referral, interview and hire counts above can be recomputed from it.
outcomes-referrals-csv-opening = Opening no.
outcomes-referrals-csv-employer = Employer
outcomes-referrals-csv-status = Result

## /mydata
mydata-work-intent = 💼 Work you are looking for: { $intent }
mydata-referrals = 💼 Job referrals: { $count } (you agreed to share your name, village, phone and certificate with the employer):
mydata-referral-line =   • { $employer }: { $status } (referred { $referred }, updated { $updated })
