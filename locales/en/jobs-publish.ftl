## /opening: publishing openings, the pay floor (coordinators, admins)

cmd-opening = Publish job openings, pay floor (training office)
opc-help = • /opening: publish a job opening (certified villagers are told of it), see those published, set your region's pay floor
opc-menu = 💼 Job openings: published to villagers who passed the training; once they agree, you refer them to the employer. What would you like to do?
opc-btn-start = ➕ Publish an opening
opc-btn-openings = 📋 Published openings
opc-btn-floor = 💰 Pay floor
opc-no-regions = Your region is not in the training catalogue, so you cannot publish yet. Please contact an admin.

opc-ask-employer = Step 1: who is the employer? (up to { $max } characters)
    Example: Tieshan Shiitake Cooperative
opc-ask-contact = Step 2: the employer's contact person and phone? (shown only to people who agree to be referred)
    Example: Manager Li 13800000000
opc-ask-region = Step 3: in which region is the work? Tap a button below.
opc-ask-place = Step 4: where exactly is the work? (up to { $max } characters)
    Example: the cooperative's greenhouses in Dongcun
opc-ask-work = Step 5: what is the work? (up to { $max } characters)
    Example: watering logs, tending flushes, picking
opc-ask-pay = Step 6: what does it pay? Write the lowest and the highest, per month or per day.
    Example: 3000-4500, or 150 per day
opc-pay-floor-hint = This region's pay floor: { $floor } yuan a month (a day rate counts 21.75 days).
opc-ask-closes = Step 7: until which day does it take people? Tap "Long-term" if it has no end.
    Example: 2027-03-31
opc-btn-long-term = Long-term
opc-ask-seats = Step 8: how many people? (1 to { $max })
    Example: 5
opc-ask-courses = Step 9: which training certificate does it need? Tap courses to choose (several are fine, tap again to remove), then "Done".
opc-courses-chosen = Chosen: { $courses }
opc-btn-courses-done = ✔ Done
opc-ask-travel = Step 10: is travel paid or transport provided?
opc-btn-travel-yes = Yes
opc-btn-travel-no = No
opc-preview-intro = Please check: this is what villagers will receive:
opc-preview-private = Shown only to people who agree to be referred: { $contact }
    Published in: { $region }
opc-btn-publish = ✅ Publish
opc-btn-edit = ✏ Change…
opc-btn-abandon = 🗑 Abandon
opc-ask-change = What would you like to change?
opc-part-employer = Employer
opc-part-contact = Contact
opc-part-region = Region
opc-part-place = Place
opc-part-work = Work
opc-part-pay = Pay
opc-part-closes = Closing date
opc-part-seats = How many
opc-part-courses = Certificates
opc-part-travel = Travel
opc-ask-abandon = Abandon this opening? Nothing you filled in is kept.
opc-btn-abandon-yes = Abandon
opc-btn-abandon-no = Go on
opc-abandoned = Abandoned; nothing was published.
opc-ask-resume = You have an opening not yet finished ({ $employer }). Go on with it, or start again?
opc-untitled = no employer yet
opc-btn-resume = Go on
opc-btn-restart = Start again
opc-published = ✅ "{ $employer }" is published. Villagers with a matching certificate will be told of it; you will hear when someone wants to be referred.
opc-line-published = 💼 { $name } published an opening: "{ $employer }", { $seats } people.

opc-ask-floor-region = 💰 Pay floor: the lowest pay of an opening may not be below it (a day rate counts 21.75 days). A township without its own uses its county's. Which region?
opc-floor-line = • { $region }: { $floor } yuan a month
opc-floor-line-none = • { $region }: not set
opc-ask-floor-amount = What is the pay floor of { $region }, in yuan a month?
    Example: 2000
opc-floor-now = Applies now: { $floor } yuan a month
opc-btn-floor-remove = Remove this region's floor
opc-floor-set = ✅ The pay floor of { $region } is now { $yuan } yuan a month.
opc-floor-removed = ✅ { $region } no longer has a floor of its own (the region above it, if any, applies).

opc-problem-need-text = Please type your answer.
opc-problem-use-buttons = Please choose with the buttons above.
opc-problem-text = Please write 1 to { $max } characters.
opc-problem-no-phone = It needs a phone number, so that the employer can be reached. Example: Manager Li 13800000000
opc-problem-pay-range = Write the lowest and the highest pay, lowest first, both above 0. Example: 3000-4500
opc-problem-below-floor = The lowest pay comes to { $monthly } yuan a month, below this region's pay floor of { $floor } yuan a month; it cannot be published. Please raise the pay.
opc-problem-pay-format = I could not read the pay. Please write figures, e.g. 3000-4500, or 150 per day
opc-problem-date = I could not read the date. Please write it like this: 2027-03-31
opc-problem-closes-in-past = That day has passed; please write today or a later day.
opc-problem-number = Please write a number from 1 to { $max }, e.g. 5
opc-problem-no-course = Please choose at least one course, then tap "Done".
opc-problem-too-many-courses = Choose at most { $max } courses.
