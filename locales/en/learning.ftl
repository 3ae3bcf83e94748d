# Check-in (attendance)
cmd-checkin = Start check-in (trainers)
cmd-credits = My credits
cmd-export-credits = Export credits (coordinators)
checkin-choose-session = Which class are you checking in?
checkin-no-sessions = You have no classes coming up. (If you teach but see none, ask the training office for an invite that names you{ $contact ->
        [none] .)
       *[other] : { $contact })
    }
checkin-session-button = { $when } · { $course }
checkin-opened = Check-in code: { $code }
    Read it out or write it on the board; it works for { $minutes } minutes. Trainees type the 4 digits or tap "Check in".
checkin-not-yours = This is not your class: you cannot open check-in for it.
checkin-ended = This class is over; check-in is closed.
checkin-open = 📋 Check-in for "{ $course }" has started! Tap the button, or send me the 4-digit code your trainer gives.
btn-checkin = ✅ Check in
checkin-done = ✅ Checked in: { $course }
checkin-already = You are checked in already: { $course }
checkin-wrong-code = That code is not right. Listen for the trainer's 4 digits again, for example: 4821
checkin-none-open = There is no check-in open for you now. A code works only once your trainer starts check-in, for a class you are booked on.
checkin-not-open-for-you = This check-in has ended, or you are not booked on this class.
roster-title = 📋 { $course } · { $when }
roster-code = Code { $code } (until { $until })
roster-closed = Check-in closed
roster-line = { $mark } { $name }{ $practical }
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
quiz-failed = { $correct } of { $total } right this time: not quite enough.
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

# Completion and credits
completed = 🎓 Congratulations: you have completed "{ $course }"!
completed-credits = Credits earned: { $credits }
completed-code = Certificate code: { $code }
certificate-title = Certificate of Completion
certificate-dates = Dates: { $dates }
certificate-trainer = Trainer: { $name }
certificate-code = Code { $code }
certificate-issuer = { $region } Field School
credits-title = 📘 Credits in { $year }:
credits-line = • { $course }: { $credits } (completed { $date })
credits-total = Total: { $total } credits
credits-none = No credits yet this year. Complete a cadre course to earn them.
credits-export-caption = Credits ({ $year }, { $count } rows)
credits-export-none = No cadre completions in your regions this year.
csv-name = Name
csv-village = Village
csv-course = Course
csv-completed = Completed
csv-credits = Credits
csv-code = Certificate code
verify-line = Certificate { $code }: { $name } completed "{ $course }" on { $date }, { $credits } credits (order { $number })
verify-unknown = No certificate has this code.
