# /outcomes: intervals, non-response and the comparison group

# 95% intervals, from 10 people up
outcomes-share-interval = { $percent }% (N={ $n }, likely between { $low }% and { $high }%)
outcomes-yuan-interval = { $value } yuan (N={ $n }, likely between { $low } and { $high } yuan)

# who did not answer (thirds of baseline income per head; completed or not)
outcomes-response-by = Answered: lowest third of baseline income { $low }, middle third { $middle }, top third { $high }; completed { $completed }, not completed { $not_completed }
outcomes-response-no-income = ; no baseline income { $counts }
outcomes-response-count = { $answered }/{ $sent }
outcomes-band-low = people in the lowest third of baseline income
outcomes-band-middle = people in the middle third of baseline income
outcomes-band-high = people in the top third of baseline income
outcomes-band-completed = people who completed
outcomes-attrition-gap = ⚠️ Those who answered differ from those who did not: { $what } make up { $answered }% of those who answered but { $unanswered }% of those who did not, so the income and work figures above may be too high or too low.

# comparison group: ordered and answered the baseline, but never came
outcomes-comparison = Comparison (not randomised): people who ordered and answered the baseline but did not attend (answered { $answered }/{ $due }) changed their income per head by { $figure } over the same time; attendees { $attendees }. The two groups may have differed from the start, so the gap is not all the course's doing.

outcomes-intervals-note = "Likely between" is a 95% interval, given from 10 people up: Wilson's for shares, a bootstrap for the income median (2000 resamples, fixed seed { $seed }), so the exported table gives the same result.

# export
outcomes-csv-attendance = Attendance
outcomes-csv-attendance-attended = attended
outcomes-csv-attendance-absent = did not come
outcomes-csv-attendance-cancelled = cancelled
outcomes-csv-attendance-pending = class not over

# follow-up for people who did not attend
survey-comparison-invite = 📋 It has been { $months ->
        [one] 1 month
       *[other] { $months } months
    } since the course "{ $course }" you ordered. You did not come, but may we ask about your household's income and work (about 1 minute)? It lets us compare with those who did and see whether the course helps. To stop follow-ups, turn them off in Settings.
survey-comparison-nudge = 📋 Reminder: the { $months }-month follow-up of "{ $course }" (asked of those who did not come too) is still open. Tap the button when you have a moment (about 1 minute).
survey-q-industry-comparison = Over this time, how has your household's farm or business changed?
