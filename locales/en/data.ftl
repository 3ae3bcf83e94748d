## My data (/mydata): everything stored about the person

cmd-mydata = My data: see and download what is stored about you
settings-mydata = 📄 My data
mydata-datetime = { $date } { $year }, { $time }
mydata-title = 📄 What we store about you (as of { $when })
mydata-name = Name: { $name }
mydata-phone = Phone: { $phone }
mydata-no-phone = Phone: not given
mydata-region = Where: { $region }
mydata-audience = Taking courses as: { $audience } · Language: { $language }
mydata-staff = Staff (not taking courses) · Language: { $language }
mydata-consent = Agreed to registration: { $when }
mydata-household = Household: { $size } { $size ->
        [one] person
       *[other] people
    }
mydata-roles = Roles: { $roles }
mydata-paused = Messages paused until: { $when }
mydata-surveys-stopped = Follow-up surveys: stopped
mydata-no-orders = Orders: none yet
mydata-orders = { $count } { $count ->
        [one] order
       *[other] orders
    }:
mydata-order-line = • { $number } { $course }: { $status }
mydata-orders-more = • …and { $count } more (see the file)
mydata-attendance = Attendance: present { $present }, absent { $absent }, excused { $excused }
mydata-quiz = Quizzes: { $count } { $count ->
        [one] attempt
       *[other] attempts
    }, best score { $correct }/{ $total }
mydata-certificates = { $count } { $count ->
        [one] certificate
       *[other] certificates
    }: { $codes }
mydata-credits = Credits: { $years }
mydata-credits-year = { $year }: { $credits }
mydata-surveys = Surveys: { $count } answered, { $answers } { $answers ->
        [one] answer
       *[other] answers
    }
mydata-requests = Course requests ("I want to learn"): { $count }
mydata-queued = Messages not yet sent to you: { $count } (the first { $when })
mydata-files = { $csv ->
        [yes] Everything is in the two files below: a JSON file (all of it) and your survey answers as a table (opens in Excel or WPS).
       *[no] Everything is in the JSON file below.
    }
mydata-json-caption = Everything we store about you (JSON; times in UTC)
mydata-csv-caption = Your survey answers
mydata-separator = {", "}
