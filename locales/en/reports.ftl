# Training-office reports (/report)
report-choose-region = 📊 Report: choose a region
report-no-regions = The region you coordinate is not in the catalogue; please ask an admin.
report-choose-course = 📊 { $region }: choose a course
report-all-courses = All courses
report-no-courses = No classes have been held in { $region } yet, so there is nothing to report.
report-choose-period = 📊 { $region } · { $course }: choose a period
report-period-week = This week
report-period-month = This month
report-period-year = This year
report-period-all = All time
report-out-of-scope = This region is not yours; you cannot see its report.
report-course-refused = This course has no class in this region; you cannot see its report.
report-working = Making the report…
report-title = 📊 Report: { $region } · { $course } · { $period }
report-range = Orders placed { $from } to { $to } ({ $tz } time)
report-range-all = All orders
report-course-title = [{ $course }]
report-orders = { $orders ->
        [one] 1 order
       *[other] { $orders } orders
    }, { $cancelled } cancelled, { $waitlisted } on the waiting list ({ $rows ->
        [one] 1 sign-up
       *[other] { $rows } sign-ups
    } in all)
report-other = { $n } not approved or did not come
report-no-orders = No sign-ups in this period.
report-seats = Seats: { $taken } taken of { $total } ({ $classes ->
        [one] 1 class
       *[other] { $classes } classes
    }, as of now)
report-attendance-rate = Attendance { $pct }% ({ $present } present of { $n } expected; { $excused } excused; { $sessions ->
        [one] 1 session held
       *[other] { $sessions } sessions held
    })
report-attendance-few = Attendance: { $present } present of { $n } expected, too few for a rate ({ $excused } excused; { $sessions ->
        [one] 1 session held
       *[other] { $sessions } sessions held
    })
report-attendance-none = Attendance: nothing recorded yet ({ $excused } excused; { $sessions ->
        [one] 1 session held
       *[other] { $sessions } sessions held
    })
report-people = { $attended } came to class, { $completed } completed (of { $orders ->
        [one] 1 order
       *[other] { $orders } orders
    })
report-quiz-rate = Quiz pass rate { $pct }% ({ $passed } passed of { $n ->
        [one] 1 attempt
       *[other] { $n } attempts
    })
report-quiz-few = Quiz: { $passed } passed of { $n ->
        [one] 1 attempt
       *[other] { $n } attempts
    }, too few for a rate
report-quiz-none = Quiz: nobody has taken it yet
report-total-title = [All courses]
report-note = Note: orders are counted by when they were placed, with their status now; orders = confirmed, awaiting approval, attended, completed; attendance counts sessions that have ended, excused apart; rates need at least 5.
report-chart-title = { $region } · orders and attendance per course ({ $period })
report-chart-orders = Orders
report-chart-attended = Came to class
report-chart-y = People
report-chart-caption = 📊 Orders and attendance per course
report-chart-failed = ⚠️ The chart could not be drawn this time; the text and the table follow as usual.
report-no-font = ⚠️ No chart: the server has no Chinese font. Install fonts-wqy-microhei (apt-get install fonts-wqy-microhei) or point { $env } at a font file.
report-csv-caption = 📎 Order details, { $count ->
        [one] 1 row
       *[other] { $count } rows
    } (UTF-8 table; opens in Excel)
report-csv-number = Order number
report-csv-course = Course
report-csv-class = Class
report-csv-name = Name
report-csv-village = Village
report-csv-status = Status
report-csv-present = Sessions present
report-csv-held = Sessions held
report-csv-completed = Completed
report-csv-class-key = Class code
report-yes = yes
report-no = no
