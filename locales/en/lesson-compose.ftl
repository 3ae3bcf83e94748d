## A trainer makes a lesson in the chat (/lesson): title → topic → cards → questions → audience → credits → preview → publish

cmd-lesson = Make a lesson (trainers)
compose-ask-title =
    📝 Let's make a lesson. First, its title (at most { $max } characters).
    Example: Watering shiitake logs
    Send /cancel at any time to abandon it.
compose-ask-topic = What is this lesson about? Tap one:
compose-ask-first-card =
    Now send the lesson, one page per message, at most { $max } pages. A page can be:
    • a text (at most { $limit } characters), e.g.: A log that has dried out feels light; water it soon.
    • a photo (the caption you write under it is the page's text)
    • a voice message
compose-card-saved = ✅ Page { $count } saved.
compose-ask-next-card = Send the next page (text, photo or voice; at most { $max } pages), or tap "Cards done".
compose-cards-full = That makes { $max } pages, the most a lesson has. Tap "Cards done".
compose-btn-add-voice = 🎙 Add a voice version of this page
compose-btn-skip-voice = No voice version
compose-btn-cards-done = ✅ Cards done
compose-ask-voice-version = 🎙 Send a voice message reading page { $position } aloud, for learners who find reading hard.
compose-ask-question =
    ✏️ Check question { $position } (at most { $max }), answered at the end of the lesson. Type the question.
    Example: After watering, how many days should the logs rest?
compose-ask-options =
    Type 2 to { $max } options, one per line or one per message.
    Example:
    1 to 2 days
    5 to 7 days
    A month
compose-options-so-far = { $count ->
        [one] { $count } option so far:
       *[other] { $count } options so far:
    }
compose-ask-more-options = Send another option (at most { $max }), or tap "Options done".
compose-btn-options-done = ✅ Options done
compose-ask-right = Which one is right? Tap the correct answer.
    Question: { $question }
compose-ask-explanation =
    Right answer: { $right }
    In one sentence, why? Learners see it after answering.
    Example: Resting lets the mycelium recover, so the logs do not rot when watered again.
compose-question-saved = ✅ Question { $count } saved (at most { $max }).
compose-btn-another-question = ➕ Another question
compose-btn-questions-done = ✅ Done
compose-ask-audience = Who is this lesson for?
compose-audience-villager = Villagers
compose-audience-cadre = Cadres
compose-audience-both = Villagers and cadres
compose-ask-credits = How many credits does a cadre earn for finishing it?
compose-btn-credits = { $n ->
        [one] { $credits } credit
       *[other] { $credits } credits
    }
compose-preview-intro = 👀 Preview: this is the first page as learners get it —
compose-summary = { $cards ->
        [one] 📖 { $cards } page
       *[other] 📖 { $cards } pages
    }, { $questions ->
        [one] { $questions } question
       *[other] { $questions } questions
    }
compose-summary-who = Topic: { $topic } · For: { $audience } · Cadre credits: { $credits }
compose-summary-question = { $position }. { $text } (answer: { $right })
compose-btn-publish = 🚀 Publish
compose-btn-edit = ✏️ Change…
compose-btn-abandon = 🗑 Abandon
compose-ask-change = Which part? That part is done again; the rest is kept.
compose-part-title = Title
compose-part-topic = Topic
compose-part-cards = Cards (send them all again)
compose-part-questions = Questions (write them all again)
compose-part-audience = Audience and credits
compose-ask-abandon = Abandon this lesson? Nothing of it will be kept.
compose-btn-abandon-yes = Yes, abandon it
compose-btn-abandon-no = No, go on
compose-abandoned = Abandoned; the lesson was not published. Send /lesson to make another.
compose-untitled = (no title yet)
compose-ask-resume = { $cards ->
        [one] You have an unfinished lesson: { $title } ({ $cards } page so far).
       *[other] You have an unfinished lesson: { $title } ({ $cards } pages so far).
    }
compose-btn-resume = ▶ Continue the draft
compose-btn-restart = 🆕 Start afresh
compose-published = 🎉 Published: "{ $title }". { $audience } get it now with "📖 Learn a lesson".
compose-line-published = 📖 { $name } published the lesson "{ $title }" (for: { $audience }).
compose-problem-need-text = Please type your answer to this one.
compose-problem-empty = That was empty.
compose-problem-too-long = Too long: { $length } characters, at most { $limit }. Please shorten it, or split it into two pages.
compose-problem-not-a-card = That cannot be a page. A page is a text, a photo or a voice message.
compose-problem-too-many-cards = A lesson has at most { $max } pages; this one was not added. Tap "Cards done" to go on to the questions.
compose-problem-no-cards = Nothing yet. Please send at least one page (text, photo or voice).
compose-problem-need-voice = A voice message is needed here (hold the microphone and speak). Or tap "No voice version".
compose-problem-too-few-options = A question needs at least 2 options; it has { $have }. Please send more.
compose-problem-too-many-options = At most { $max } options; that would make { $have }. Please send fewer.
compose-problem-same-option = Two options are the same. Each option must be different.
compose-problem-too-many-questions = A lesson has at most { $max } questions.
compose-problem-use-buttons = Please choose with the buttons below.
