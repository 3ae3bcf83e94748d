## Follow-up surveys, course feedback, outcome reports

survey-baseline-offer = 📋 To learn whether the training helps, we would like to ask you 4 short questions (about 1 minute). Answers are only used for statistics and never published.
btn-survey-start = 📝 Start
btn-survey-later = Later
btn-survey-feedback = ⭐ Rate this course
btn-survey-decline = Prefer not to say
btn-survey-skip = Skip
btn-survey-income-right = ✅ Right
btn-survey-income-retype = ✏️ Type again
survey-later = All right, we will ask again with your next order.
survey-progress = Question { $position } of { $total }
survey-q-household-size = How many people live in your household? Tap a number; for more than 8, type it, for example: 10
survey-q-income = About how much net income did your household have in the last 12 months, in yuan? Type it, for example: 30000 or 3万
survey-q-employment = What is your main work now?
survey-q-main-source = What is your household's main source of income?
survey-q-used-learning = Have you used what you learned in the training?
survey-q-industry = Since the training, how has your household's farm or business changed?
survey-q-referral-job = Did you get your current job through the programme's referral (the training office)?
survey-q-usefulness = Was this course useful to you? (1 to 5 stars)
survey-q-trainer-stars = How many stars for the trainer?
survey-q-comment = Anything else to tell us? Type it, for example: more on pests, please. Otherwise tap "Skip".
survey-choice-farming = Farming
survey-choice-local-work = Local job
survey-choice-migrant-work = Job away from home
survey-choice-own-business = Own business
survey-choice-public-job = Public-welfare post
survey-choice-unemployed = No work
survey-choice-crops = Crops
survey-choice-livestock = Livestock
survey-choice-wages = Wages
survey-choice-business = Business
survey-choice-transfers = Subsidies, pensions
survey-choice-other = Other
survey-choice-often = Often
survey-choice-sometimes = Sometimes
survey-choice-never = Not at all
survey-choice-started = Started one
survey-choice-expanded = Expanded
survey-choice-unchanged = No change
survey-choice-shrunk = Shrank
survey-choice-yes = Yes
survey-choice-no = No
survey-income-readback = You typed { $yuan } yuan. Is that right?
survey-readback-old = That button belongs to an earlier number; nothing was saved. You now typed { $yuan } yuan: please use the buttons of the latest message.
survey-income-retype = All right, please type it again, for example: 30000 or 3万
survey-income-not-number = I could not read that number. Please type a number, for example: 30000 or 3万; or tap "Prefer not to say".
survey-income-range = Please give one number, not a range. Your best guess is fine, for example: 25000
survey-income-negative = Income cannot be negative; if you made a loss, type 0.
survey-income-too-large = That number is too large; please check it, for example: 30000
survey-household-size-invalid = Please tap a number; for more than 8 type a number from 1 to 20, for example: 10
survey-comment-too-long = Too long: please keep it within { $limit } characters.
survey-use-buttons = Please answer with the buttons below.
survey-already-answered = That question is answered already; the first answer stands.
survey-already-done = You have answered this survey already. Thank you!
survey-closed = This survey has closed. Thank you.
survey-thanks = ✅ All done, thank you! Your answers help us make the training better.
survey-feedback-thanks = ✅ Thank you for your rating!
survey-feedback-offer = Please rate the course and the trainer (three questions, one minute).
survey-followup-invite = 📋 It has been { $months ->
        [one] 1 month
       *[other] { $months } months
    } since your course "{ $course }". May we ask a few questions about whether it helped (about 2 minutes)?
survey-followup-nudge = 📋 Reminder: the { $months }-month follow-up of "{ $course }" is still open. Tap the button when you have a moment (about 2 minutes).
settings-surveys-turn-off = 🔕 Stop follow-up surveys
settings-surveys-turn-on = 🔔 Receive follow-up surveys again
settings-surveys-off = All right: no more follow-up surveys.
settings-surveys-on = All right: follow-up surveys will come again.

## /outcomes for coordinators

outcomes-choose-region = 📈 Outcomes of which region?
outcomes-choose-scope = Which part of "{ $region }"?
outcomes-all = All courses
outcomes-course = Course: { $course }
outcomes-trainer = Trainer: { $trainer }
outcomes-no-courses = "{ $region }" has no courses yet.
outcomes-title = 📈 Outcomes: { $scope }
outcomes-enrolled = Enrolled { $enrolled ->
        [one] 1 person
       *[other] { $enrolled } people
    }, completed { $completed }
outcomes-enrolled-orders = Enrolled { $enrolled ->
        [one] 1 person
       *[other] { $enrolled } people
    } ({ $orders ->
        [one] 1 order
       *[other] { $orders } orders
    }), completed { $completed }
outcomes-baseline = Baseline survey: asked { $asked }, answered { $answered }
outcomes-wave = [{ $months }-month follow-up] answered { $answered }/{ $due } ({ $rate })
outcomes-wave-none = [{ $months }-month follow-up] none due yet
outcomes-employment = Working (self-reported): { $figure }; the same people before: { $baseline }
outcomes-income = Change in per-capita net income (median, paired with baseline): { $figure }
outcomes-industry = Started or expanded a farm or business: { $figure }
outcomes-used = Used what they learned: { $figure }
outcomes-referral = Job through the programme's referral (self-reported): { $figure }
outcomes-feedback = [Course feedback] { $answered ->
        [one] 1 rating
       *[other] { $answered } ratings
    }; useful { $usefulness }; trainer { $trainer }
outcomes-share = { $percent }% (N={ $n })
outcomes-mean = { $value } (N={ $n })
outcomes-yuan = { $value } yuan (N={ $n })
outcomes-too-few = too few answers (N={ $n })
outcomes-rate = { $percent }%
outcomes-rate-none = too few to show a rate
outcomes-note = Only completed questionnaires count; "prefer not to say" is left out; N counts people for work and income (each person once) and orders for the use of what was learned, business, referral and ratings (each order once); below 5 no share is shown.
btn-outcomes-export-anon = 📄 Export raw answers (anonymised)
btn-outcomes-export-named = 📄 Export raw answers (with names and phones)
outcomes-csv-caption = { $count ->
        [one] 1 row
       *[other] { $count } rows
    } of raw answers; every figure above can be recomputed from them.
outcomes-csv-file = outcomes
outcomes-csv-person = ID
outcomes-csv-name = Name
outcomes-csv-phone = Phone
outcomes-csv-village = Village
outcomes-csv-course-key = Course key
outcomes-csv-course = Course
outcomes-csv-trainer = Trainer
outcomes-csv-order = Order
outcomes-csv-completed = Completed
outcomes-csv-wave = Wave
outcomes-csv-status = Status
outcomes-csv-answered-at = Answered on
outcomes-csv-household-size = Household size
outcomes-csv-income = Household net income (yuan)
outcomes-csv-employment = Employment
outcomes-csv-main-source = Main income source
outcomes-csv-used-learning = Used what was learned
outcomes-csv-industry = Industry
outcomes-csv-referral-job = Job through referral
outcomes-csv-usefulness = Course useful (stars)
outcomes-csv-trainer-stars = Trainer (stars)
outcomes-csv-comment = Comment
outcomes-csv-declined = prefer not to say
outcomes-csv-yes = yes
outcomes-csv-no = no
outcomes-csv-wave-baseline = baseline
outcomes-csv-wave-months = { $months }-month follow-up
outcomes-csv-wave-feedback = course feedback
outcomes-csv-status-answered = answered
outcomes-csv-status-open = open
outcomes-csv-status-unanswered = not answered
outcomes-csv-status-not-yet-due = not yet due
outcomes-csv-status-not-surveyed = not surveyed
