## The daily lesson: one lesson a day at a chosen time; the learning streak

lesson-daily-today = 📖 Today's lesson: { $title }
    It takes a few minutes, with a question or two at the end.
btn-lesson-daily-start = ▶ Start
lesson-daily-offer = Would you like a lesson every day? Choose a time that suits you and it comes then.
btn-lesson-daily-offer = 📅 A lesson every day
lesson-daily-ask = 📖 Daily lesson: when should it come each day?
    Never at night; on busy farming days it comes at the noon or evening break instead.
lesson-daily-current = It comes every day at { $time } now. Tap another time to change it, or "No more daily lessons".
lesson-daily-part-morning = { $time } in the morning
lesson-daily-part-noon = { $time } at noon
lesson-daily-part-evening = { $time } in the evening
btn-lesson-daily-off = No more daily lessons
lesson-daily-saved = ✅ Done: a lesson comes every day at { $time }.
lesson-daily-stopped = Done: no more daily lessons. Tap "📖 Learn a lesson" whenever you like.
lesson-daily-not-subscribed = You have no daily lesson.
lesson-daily-done-already = You have finished this lesson already. Tap "📖 Learn a lesson" for the next one.
lesson-daily-gone = This lesson is no longer offered. Tap "📖 Learn a lesson" for another.
lesson-streak = { $days ->
        [one] 🔥 { $days } day in a row
       *[other] 🔥 { $days } days in a row
    }
settings-lesson-daily-on = 📖 Daily lesson: { $time }
settings-lesson-daily-off = 📖 Daily lesson (off)
mydata-lesson-daily = Daily lesson: { $time } ({ $sent } sent)
mydata-lesson-daily-none = Daily lesson: off ({ $sent } sent)

## Before and after a class: a lesson of its course the evening before and the evening after

lesson-course-preview = 📖 Before class: "{ $title }"
    Take a few minutes to look at it before tomorrow's class.
lesson-course-preview-soon = 📖 Before class: "{ $title }"
    Take a few minutes to look at it before the class.
lesson-course-review = 📖 After class: "{ $title }"
    Go over it again while the class is fresh.
