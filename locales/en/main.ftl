# General
language-name = English
menu-expired = This menu has expired. Please use the buttons in the latest message.
error-apology = Sorry, something went wrong on our side. Please try again later. If it keeps failing, contact the training office{ $contact ->
        [none] .
       *[other] : { $contact }
    }
use-buttons = Please choose with the buttons below.
need-text = Please reply in text (not a photo, sticker or voice message).
unknown-command = I don't know that command. Please use the menu buttons below, or send /help.
register-first = Please register first: send /start.
cancelled = Cancelled.
nothing-to-cancel = There is nothing to cancel right now.
nothing-to-cancel-unregistered = There is nothing to cancel right now. Send /start to register.

# Buttons
btn-back = ⬅️ Back
btn-done = ✅ Done
btn-agree = ✅ I agree
btn-decline = ❌ I don't agree
btn-switch-language = English
btn-skip = Skip
btn-share-phone = 📱 Send my phone number
btn-remove-phone = Remove phone number

# Main menu
menu-title = Please choose:
menu-help = ❓ Help
menu-settings = ⚙️ Settings
menu-unknown = Sorry, I didn't understand. Please tap a button in the menu below.
welcome-back = Welcome back, { $name }! Please use the menu below.

# Registration
reg-consent =
    Welcome to Field School! Here you can sign up for free skills training.

    Before you register:
    • We keep: your name, your village, the courses you choose, and your phone number if you give it.
    • Why: to arrange training, remind you of classes and learn whether the training helped.
    • Who sees it: staff of the county and township training offices and the trainers of your courses. Nobody else.
    • You can change it in Settings at any time; "📄 My data" (or /mydata) shows and sends it to you; "🗑 Erase my data" (or /deleteme) erases it. After erasing, your name, phone and what you typed are wiped; only figures that do not say who you are stay.

    Do you agree?
reg-declined = All right, nothing about you has been kept. Send /start whenever you want to register.
reg-cancelled = Registration cancelled; nothing has been kept. Send /start to register.
reg-ask-audience = Which are you?
audience-villager = 👨‍🌾 Villager (farmer)
audience-cadre = 👔 Local cadre
reg-ask-name =
    Please type your name.
    Example: Wang Xiuying
ask-county = Please choose your county:
ask-township = Please choose your township:
ask-village = Please choose your village:
no-regions = There are no regions to choose from yet. Please contact the county training office{ $contact ->
        [none] .
       *[other] : { $contact }
    }
reg-ask-phone =
    Would you like to leave a phone number so trainers can reach you?
    Tap "📱 Send my phone number" below, or "Skip".
reg-contact-not-own = Please use the "📱 Send my phone number" button to send your own number.
use-contact-button = Please tap "📱 Send my phone number" below, or "Skip". There is no need to type the number.
reg-done =
    You are registered!
    Name: { $name }
    Region: { $village }
# A village with the regions above it: smallest first, joined with commas (Dongcun Village, Tieshan Town, Xin'an County)
region-address = { $village }, { $township }, { $county }

# Names
name-empty = The name cannot be empty. Please type your name, for example: Wang Xiuying
name-too-long = That name is too long (30 characters at most). Please try again, for example: Wang Xiuying
name-bad-character = A name can only contain letters (spaces, "·", "'" and "-" are fine). Please try again, for example: Wang Xiuying or Aygul Memet

# Help
help-unregistered = This is the Field School sign-up assistant. Send /start to register.
help-villager =
    I can help you:
    • sign up for free skills training (crops and livestock, e-commerce, housekeeping, electrician…)
    • remind you of class times and places
    • take a short quiz after class and get your certificate
    • tap "📖 Learn a lesson" to learn something useful in a few minutes
    • once you hold a certificate, hear of work that suits it; or tap "💼 Find work"
help-cadre =
    I can help you:
    • sign up for cadre training (policy, industry planning, project management…)
    • remind you of class times and places
    • take quizzes and see your credits (they count in your annual assessment)
    • tap "📖 Learn a lesson" for short cadre lessons, which earn credits too
help-trainer =
    For trainers:
    • /broadcast: send notices to the people in your classes
    • /checkin: open check-in, record attendance and practical checks
    • /lesson: make a micro-lesson in the chat (text, photos, voice, check questions) for villagers or cadres
help-coordinator =
    For training offices:
    • approve orders; a line per new order (can be turned off in settings)
    • /report: orders and attendance with a chart and a table; a daily digest at 18:00
    • /outcomes: follow-up response rates, employment, income change, course ratings; raw answers as CSV
    • /opening: publish a job opening (employer, pay, seats, which certificates qualify); set a pay floor
    • /referrals: job openings, referral lists, interviews and hires, printable referral cards
    • /broadcast to your region; /requests: course requests; /export_credits: cadres' credits
help-admin = Admins can invite trainers and training-office staff; /parked shows messages that failed and were put aside.
help-contact = Training office: { $contact }
help-footer =
    Commands:
    /menu main menu   /settings settings   /cancel cancel what you are doing   /help help

# Settings
settings-menu =
    Your details:
    Name: { $name }
    Village: { $village }
    Phone: { $phone }
    Language: { $language }

    What would you like to change?
settings-no-phone = not given
settings-lang = 🌐 Language
settings-name = ✏️ Name
settings-village = 🏠 Village
settings-phone = 📱 Phone number
settings-ask-lang = Please choose a language:
settings-ask-phone = Tap "📱 Send my phone number" to update it, or "Remove phone number".
settings-saved-lang = Language changed to English.
settings-saved-name = Your name is now: { $name }
settings-saved-village = Your village has been updated.
settings-saved-phone = Your phone number has been updated.
settings-removed-phone = Your phone number has been removed.
settings-closed = Settings saved.

# Invites
role-trainer = a trainer
role-trainer-of = a trainer (the catalogue's trainer { $trainer })
role-coordinator-of = training-office staff (region: { $region })
role-admin = an admin
reg-consent-staff =
    Welcome to Field School! You opened a staff invite: it makes you { $role }.

    { consent-staff-terms }

    Once you agree and register, you have this role. Do you agree?
# What staff agree to (in the invite above, and asked again when the consent text changes).
consent-staff-terms =
    Before you register:
    • We keep: your name, and your phone number if you give it.
    • Why: to arrange training, and so trainees and the training office can reach you.
    • Who sees it: staff of the county and township training offices; the notices you send to trainees carry your name.
    • You can change it in Settings at any time; "📄 My data" (or /mydata) shows and sends it to you; "🗑 Erase my data" (or /deleteme) erases it.
reg-done-staff =
    You are registered!
    Name: { $name }
    You are: { $role }
reg-done-staff-no-role =
    You are registered!
    Name: { $name }
invite-confirm = This invite link makes you { $role }. Accept it?
invite-confirm-replace = Please note: an account stands for one trainer of the catalogue. Yours is "{ $old }" now; if you accept, it becomes "{ $new }": you will no longer see the classes of "{ $old }" (check-in, notices) or get messages about them.
btn-invite-accept = ✅ Accept
btn-invite-decline = ❌ Don't accept
invite-declined = All right, nothing has changed. The link is still unused: you can pass it on to the person it is meant for.
invite-nothing-new = You are { $role } already; this link is not needed. It is still unused: you can pass it on to the person it is meant for.
invite-granted = Done! You are now { $role }.
invite-replaced = Your account no longer stands for the trainer "{ $old }".
invite-expired = This invite link has expired. Please ask the training office for a new one{ $contact ->
        [none] .
       *[other] ({ $contact }).
    }
invite-used = This invite link has already been used; each link works once.
invite-unknown = This invite link is not valid. Please check it or ask the training office for a new one{ $contact ->
        [none] .
       *[other] ({ $contact }).
    }

# Staff taking courses themselves
audience-name-villager = villager
audience-name-cadre = local cadre
staff-choose-audience = You registered as staff and have not chosen how to take courses. To take courses yourself, choose:
staff-audience-chosen = All right: you take courses as a { $audience }.
settings-audience-none = Taking courses: not chosen (to take courses yourself, tap "Villager" or "Local cadre" below)
settings-saved-audience = All right: you take courses as a { $audience }.
help-staff = You registered as staff. To take courses yourself, choose "Villager" or "Local cadre" in Settings.

# Broadcasts: why there is nobody to write to
broadcast-why-none = You have no classes or regions to write to right now, because:
why-trainer-unlinked =
    • Your trainer account does not stand for a trainer of the course catalogue yet, so it has no classes.
    The training office can fix it: (1) find (or add) your [[trainer]] entry in the catalogue file and note its key; (2) run fieldschool invite --role trainer --trainer THAT-KEY and send you the link; (3) you open it and tap "Accept".
why-trainer-no-classes =
    • Your courses (trainer: { $trainer }) have no running class with people booked on it right now. Once someone books, you can send notices.
    If your classes are not scheduled yet: the training office adds them ([[class]]) to the catalogue file and runs fieldschool import.
why-coordinator-region-missing =
    • Your region "{ $region }" is not in the current course catalogue.
    The training office can fix it: (1) check the region's key in the catalogue file; (2) import it again (fieldschool import), or run fieldschool invite --role coordinator --region THE-RIGHT-KEY and send you the new link.
why-admin-only =
    • An admin account has nobody to write to by itself: trainers write to their classes, training offices to their region.
    To send notices, run fieldschool invite --role coordinator --region REGION-KEY and give yourself a training-office invite.

# Course requests
request-recorded-topic = Noted, you want to learn: { $topic }

# After a failure
error-dialog-ended = That step did not finish, so what you were doing has been stopped. Please start it again if you need to.

# Command menu
cmd-start = Start / register
cmd-menu = Main menu
cmd-help = Help
cmd-settings = Settings
cmd-cancel = Cancel what you are doing

# Dates
weekday-mon = Mon
weekday-tue = Tue
weekday-wed = Wed
weekday-thu = Thu
weekday-fri = Fri
weekday-sat = Sat
weekday-sun = Sun
date-format = { $weekday } { $day } { $monthname }
month-1 = Jan
month-2 = Feb
month-3 = Mar
month-4 = Apr
month-5 = May
month-6 = Jun
month-7 = Jul
month-8 = Aug
month-9 = Sep
month-10 = Oct
month-11 = Nov
month-12 = Dec
session-when = { $date }, { $start }–{ $end }

# Pausing messages
settings-pause = ⏸ Pause messages
settings-ask-pause = Too busy in the fields for messages? Pause them for a while: notices and surveys wait until you are back. Class reminders still come.
settings-pause-days = Pause for { $days ->
        [one] 1 day
       *[other] { $days } days
    }
settings-pause-now = Messages are paused until { $until }. Class reminders still come.
settings-pause-end = ▶️ Resume now
settings-paused = All right: paused for { $days ->
        [one] 1 day
       *[other] { $days } days
    }. Class reminders still come.
settings-pause-ended = All right: messages are back on.
settings-lines-turn-off = 🔕 Turn off instant order lines
settings-lines-turn-on = 🔔 Turn on instant order lines
settings-lines-on = All right: every new order, cancellation and waitlist move will be reported at once.
settings-lines-off = All right: no more line per order (approval requests and the daily digest still come).

# Parked updates (admins)
parked-none = Nothing is parked: every message received has been handled.
parked-title = { $count ->
    [one] One message failed several times and is parked:
   *[other] { $count } messages failed several times and are parked (oldest first):
}
parked-line = • #{ $id } ({ $kind }, chat { $chat }, received { $received })
    Error: { $error }
parked-hint = Once the cause is fixed, send /parked retry to try them all again, or /parked retry ID for one. A retried message is handled within seconds, after what came later in that chat.
parked-retried = { $count ->
    [one] One message is back for another try; it is handled within seconds.
   *[other] { $count } messages are back for another try; they are handled within seconds.
}
parked-retry-unknown = No parked message has the number #{ $id }. Send /parked to see them.
parked-usage = Usage: /parked to see them; /parked retry to try them all again; /parked retry ID for one (for example /parked retry 1000123).
