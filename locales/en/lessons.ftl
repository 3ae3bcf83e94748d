## Micro-lessons (📖 Learn a lesson): a few minutes each, one page per message, a question or two at the end

menu-lesson = 📖 Learn a lesson
btn-lesson-next = Next page ▶
btn-lesson-listen = 🔊 Listen
btn-lesson-more = 📖 Another lesson
lesson-card = 📖 { $title } (page { $position } of { $total })
lesson-voice-card = ▶️ Play the voice message above.
lesson-voice-offer = Rather listen than read? Tap "🔊 Listen" to hear this page.
lesson-voice-caption = 🔊 { $title } (page { $position } of { $total })
lesson-resumed = Carrying on with the lesson you started:
lesson-question = ✏️ Question { $position } of { $total } · { $title }
    { $text }
lesson-finished = 🎉 Lesson done: { $title }
lesson-progress = { $count ->
        [one] You have finished { $count } lesson. Keep it up!
       *[other] You have finished { $count } lessons. Keep it up!
    }
lesson-credit-earned = { $n ->
        [one] Credits earned: { $credits } credit (lesson)
       *[other] Credits earned: { $credits } credits (lesson)
    }
lesson-credit-counted = This lesson's credits were counted this year already; they count once a year.
lesson-credit-year = { $n ->
        [one] Credits from lessons in { $year }: { $total } credit
       *[other] Credits from lessons in { $year }: { $total } credits
    }
lesson-none-left = 👏 You have finished every lesson there is for now! New ones will come; check again in a few days. To learn more, tap "📚 Find a course".
lesson-stale-passed = You have read this page already. Please look at the latest message, or tap "📖 Learn a lesson" to carry on.
lesson-stale-finished = You have finished this lesson. Tap "📖 Learn a lesson" for the next one.
lesson-use-buttons = Sorry, I didn't understand. You are in the middle of a lesson: tap "Next page ▶" under it to go on, or "📖 Learn a lesson" in the menu to see it again.
lesson-no-voice = This page has no voice recording.

# /credits and the credits spreadsheet: where credits come from
credits-source-classes = Courses completed:
credits-source-lessons = Lessons:
credits-lesson-line = • { $lesson }: { $credits } · finished { $date }
csv-source = Source
csv-source-class = Course
csv-source-lesson = Lesson

# /mydata
mydata-lessons = Lessons: { $count } finished ({ $read } begun)
