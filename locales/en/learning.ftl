# Check-in (attendance)
cmd-checkin = Start check-in (trainers)
cmd-credits = My credits
cmd-export-credits = Export credits (coordinators)
checkin-choose-session = Which class are you checking in?
checkin-no-sessions = There is no class to open check-in for now. Check-in opens 30 minutes before a class starts and closes when it ends, for today's classes only. (If you teach but see none, ask the training office for an invite that names you{ $contact ->
        [none] .)
       *[other] : { $contact })
    }
checkin-next-today = Today's class is not open for check-in yet: you can open it from { $opens } (30 minutes before the start).
checkin-session-button = { $when } · { $course }
checkin-opened = Check-in code: { $code }
    Read it out or write it on the board; it works for { $minutes ->
        [one] 1 minute
       *[other] { $minutes } minutes
    }. Trainees send me the 4 digits; where the venue's location is set, they can also share their location there.
checkin-not-yours = This is not your class: you cannot open check-in for it.
checkin-ended = This class is over; check-in is closed.
checkin-not-yet = Check-in is not open yet: it opens at { $opens } (30 minutes before the start).
checkin-open = 📋 Check-in for "{ $course }" has started! Send me the 4-digit code your trainer reads out, or tap the button.
btn-checkin = ✅ Check in
btn-send-location = 📍 Share location
btn-back-to-menu = ↩️ Back to the menu
checkin-done = ✅ Checked in: { $course }
checkin-already = You are checked in already: { $course }
checkin-wrong-code = That code is not right. Listen for the trainer's 4 digits again, for example: 4821 ({ $left ->
        [one] 1 more wrong code
       *[other] { $left } more wrong codes
    } and check-in locks for 10 minutes)
checkin-locked = Too many wrong codes: check-in is locked until { $until }. Please ask your trainer for the code.
checkin-prompt = Checking in to "{ $course }": send me the 4-digit code your trainer reads out (or writes on the board).
checkin-prompt-location = Checking in to "{ $course }": send me the 4-digit code your trainer reads out; if you are at the venue, you can also tap "📍 Share location" below.
checkin-none-open = There is no check-in open for you now. A code works only once your trainer starts check-in, for a class you are booked on.
checkin-no-session-now = You have no class going on now, so the location was not used to check in. Check-in opens 30 minutes before a class and closes when it ends.
checkin-too-far = You are about { $distance } m from the venue; location check-in works within { $radius } m. Send it again once you are there, or type the code your trainer reads out.
checkin-no-venue = This class has no venue location set, so you cannot check in by location. Please type the 4-digit code your trainer reads out.
checkin-not-booked = You are not booked on this class, so you cannot check in to it.
checkin-closed = This class is over; check-in is closed.
checkin-location-how = Tap the "📍 Share location" button below to send where you are (Telegram on a computer cannot share a location). Or just type the 4-digit code your trainer reads out.
roster-title = 📋 { $course } · { $when }
roster-code = Code { $code } (until { $until })
roster-closed = Check-in closed
roster-hand = Attendance by hand: you can change it until { $until }
roster-final = Attendance is final
roster-line = { $mark } { $name }{ $practical }{ $leave }
roster-apology = (sent apologies)
roster-present = ✅
roster-absent = ⬜
roster-excused = 🌾
roster-practical-pass = (practical passed)
roster-practical-fail = (practical not yet)
roster-counts = Present { $present } / { $total }
btn-mark = { $name } { $mark }
btn-practical-pass = { $name } practical ✔
btn-practical-fail = { $name } practical ✘
btn-refresh-roster = 🔄 Refresh
btn-close-checkin = ⏹ End check-in
not-a-trainer = Only trainers can do this.
mark-too-late = Attendance cannot be marked now: only from 30 minutes before the class until 48 hours after it.
attendance-by-hand = ✍️ Nobody checked in to this class. Please tap the names of those who came to mark them "✅". You can do this for 48 hours after the class; anyone not marked counts as absent.
learning-date-time = { $day }/{ $month } { $time }

# Quiz
quiz-invite = 📝 "{ $course }" is over! Take a short quiz: 5 questions, answer with the buttons.
btn-start-quiz = 📝 Start the quiz
btn-quiz = 📝 Quiz: { $course }
quiz-question = Question { $position } of { $total }
    { $text }
quiz-right = ✅ Right!
quiz-wrong = ❌ Not quite. The right answer: { $right }
quiz-explanation = 💡 { $explanation }
quiz-passed = 🎉 Passed! { $correct } of { $total } right.
quiz-failed = { $correct } of { $total } right this time: not quite enough. Passing needs { $needed } right.
quiz-review-title = The questions you missed:
quiz-review-line = • { $text }
    Right answer: { $right }
    { $explanation }
btn-retake = 🔁 Try again
quiz-no-retake = No retakes left. Please talk to your trainer.
quiz-not-eligible = Come to class and check in first; then you can take the quiz.
quiz-already-passed = You have passed this course's quiz already.
quiz-no-attempts = No quiz attempts left. Please talk to your trainer.
quiz-no-questions = This course has no quiz questions yet.
quiz-stale = You have answered that one; please answer the newest question.
quiz-closed = This quiz is over.
quiz-use-buttons = Please answer with the buttons under the question, or send the option's number (for example: 1).

# Completion and credits
completed = 🎓 Congratulations: you have completed "{ $course }"!
completed-credits = Credits earned: { $credits }
completed-code = Certificate code: { $code }
certificate-title = Certificate of Completion
certificate-dates = Dates: { $dates }
certificate-date = { $weekday } { $day } { $monthname } { $year }
certificate-trainer = Trainer: { $name }
certificate-code = Code { $code }
certificate-issuer = { $region } Field School
btn-certificate = 🎓 Certificate
certificate-none = This course has no certificate for you yet.
credits-title = 📘 Credits in { $year }:
credits-line = • { $course }: { $credits } (completed { $date })
credits-total = Total: { $n ->
        [one] { $total } credit
       *[other] { $total } credits
    }
credits-none = No credits yet this year. Complete a cadre course, or learn cadre lessons with "📖 Learn a lesson", to earn them.
credits-export-caption = Credits ({ $year }, { $count ->
        [one] 1 row
       *[other] { $count } rows
    })
credits-export-none = No cadre completions in your regions this year.
csv-name = Name
csv-village = Village
csv-course = Course
csv-completed = Completed
csv-credits = Credits
csv-code = Certificate code
verify-line = Certificate { $code }: { $name } completed "{ $course }" on { $date }, { $n ->
        [one] { $credits } credit
       *[other] { $credits } credits
    } (order { $number })
verify-found = ✅ Field School certificate check:
    { $line }
verify-unknown = No certificate has this code.
# Order status (here rather than in orders.ftl: what a class ends in follows from attendance and the quiz)
status-not-completed = Not completed
