# Lesson figures in the training office's report (/report)
report-lessons-title = [Micro-lessons]
report-lessons-none = No lessons were sent in this period.
report-lessons-total = All: { $counts }
report-lessons-by-lesson = By lesson (most sent first):
report-lessons-by-region = By area:
report-lessons-row = · { $name }: { $counts }
report-lessons-lesson-row = · “{ $name }” — { $counts }
report-lessons-counts = { $sent } sent, { $opened } opened, { $completed } completed, { $first }
report-lessons-counts-none = none sent
report-lessons-share = { $hits }/{ $n } ({ $pct }%)
report-lessons-share-few = { $hits }/{ $n }
report-lessons-first = { $hits }/{ $n } questions right first time ({ $pct }%)
report-lessons-first-few = { $hits }/{ $n } questions right first time
report-lessons-first-none = no questions answered yet
report-lessons-more-lessons = { $n ->
        [one] 1 more lesson
       *[other] { $n } more lessons
    } in the lesson table.
report-lessons-more-regions = { $n ->
        [one] 1 more area
       *[other] { $n } more areas
    } in the lesson table.
report-lessons-note = Note: lessons are counted by when they were sent; opened and completed are as of now, out of those sent; right first time counts only each person's first reading of a lesson, out of the questions they answered; rates need at least 5.
report-lessons-csv-caption = 📎 Lesson figures: { $lessons ->
        [one] 1 lesson
       *[other] { $lessons } lessons
    }, { $regions ->
        [one] 1 area
       *[other] { $regions } areas
    } (UTF-8 table; opens in Excel)
report-lessons-csv-kind = Kind
report-lessons-csv-name = Name
report-lessons-csv-key = Code
report-lessons-csv-sent = Sent
report-lessons-csv-opened = Opened
report-lessons-csv-opened-pct = Opened %
report-lessons-csv-completed = Completed
report-lessons-csv-completed-pct = Completed %
report-lessons-csv-answered = First-reading answers
report-lessons-csv-first-right = Right first time
report-lessons-csv-first-pct = Right first time %
report-lessons-csv-lesson = Lesson
report-lessons-csv-region = Area
report-lessons-csv-total = All
