# Broadcasts (trainers, coordinators)
cmd-broadcast = Send a notice (trainers, coordinators)
broadcast-no-targets = You have no classes or regions to write to right now.
broadcast-choose-target = Who is it for?
broadcast-target-class = Class: { $course } · { $place }
broadcast-target-region = Region: { $region }
broadcast-choose-audience = Which people?
broadcast-audience-all = Everyone
broadcast-ask-text =
    Type the notice (or send a photo with a caption).
    For example: Tomorrow morning's class moves to the village office, 2nd floor. Bring a notebook.
    Send /cancel to stop.
broadcast-empty = The notice cannot be empty. Please type it again.
broadcast-too-long = Too long: at most { $limit } characters, this has { $length }. Please shorten it.
broadcast-use-buttons = Please tap one of the buttons above.
broadcast-need-text = Please type the text, or send a photo.
broadcast-preview-title = 👀 Preview (this is what recipients will see):
broadcast-ask-urgency = It goes to { $count ->
        [one] 1 person
       *[other] { $count } people
    }. Normal or urgent? (Normal notices avoid nights and busy-season working hours; urgent ones only nights.)
broadcast-normal = Normal notice
broadcast-urgent = ⚠️ Urgent notice
broadcast-confirm = Send this { $kind } to { $count ->
        [one] 1 person
       *[other] { $count } people
    }?
broadcast-send = ✅ Send
broadcast-cancel = ✖ Don't send
broadcast-cancelled = All right: nothing was sent.
broadcast-no-recipients = No recipients: nobody in this group can be reached now, so nothing was sent.
broadcast-progress = 📤 Sending: { $sent } delivered, { $waiting } waiting, { $failed } not delivered
broadcast-report = 📬 Done: delivered to { $sent }, { $blocked } blocked the bot, { $failed } failed, { $acks } tapped "Received".
broadcast-report-unreached = Not reached (please phone them):
broadcast-report-person = • { $name } ({ $village }) — { $why }
broadcast-report-blocked = blocked the bot
broadcast-report-failed = sending failed
broadcast-report-unconfirmed = the bot stopped while sending: not sure it arrived
broadcast-report-unacked = Reached but not yet tapped "Received": { $n } (phone them if it matters):
broadcast-report-unacked-person = • { $name } ({ $village })
broadcast-report-all-acked = Everyone who got the notice tapped "Received".
broadcast-report-more = … and { $n } more not listed (the message is full).
broadcast-header = 📢 { $sender } ({ $role }) · { $about }
broadcast-role-trainer = trainer
broadcast-role-coordinator = training office
broadcast-about-class = { $course } ({ $place })
broadcast-about-region = { $region }
btn-refresh-report = 🔄 Refresh
btn-ack = ✅ Received
broadcast-acked = Thank you: your trainer knows you received it.
broadcast-ack-preview = This is the preview; it counts when recipients tap it.

# Daily digest (coordinators)
digest-title = 📊 Training digest, { $date }
digest-orders = New orders: { $total }
digest-order-line =   • { $course }: { $n }
digest-cancellations = Cancellations: { $n }
digest-waitlisted = On waitlists now: { $n }
digest-attendance = Sessions held: { $present } present, { $absent } absent, { $excused } excused (busy season)
digest-quizzes = Quizzes: { $passed } of { $all } passed
digest-surveys = Surveys and course ratings answered: { $n } (see /outcomes)
digest-requests = Course requests at the threshold: { $list }
digest-busy = ⚠️ Sessions in a busy season within two weeks: { $list }
digest-busy-line = { $course } · { $place } · starts { $first }: { $date }, during { $season }
digest-unreachable = Not reachable (blocked the bot): { $list }
digest-person = { $name } ({ $village })
list-separator = { "; " }
