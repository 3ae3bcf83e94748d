# Order statuses
status-pending-approval = waiting for approval
status-confirmed = confirmed
status-waitlisted = on the waiting list
status-offered = a seat is waiting for you
status-attended = attended
status-completed = completed
status-cancelled = cancelled
status-rejected = not approved
status-no-show = did not come

# Waitlist
offer-seat =
    Good news! A seat has freed up in { $class } and it is held for you.
    Order number: { $number }
    Please tap "I'll take the seat" within { $hours ->
        [one] 1 hour
       *[other] { $hours } hours
    }, or it passes to the next person.
btn-accept-offer = ✅ I'll take the seat
btn-decline-offer = No, thanks
offer-expired = The seat in { $class } (order { $number }) was not taken in time: the offer has expired and passed to the next person. You can order again.

# Approval and cancellation
order-approved = Your order for { $class } has been approved (order { $number }). We will remind you before class.
order-rejected = Sorry, your order for { $class } was not approved (order { $number }). Have a look at other courses or contact the training office{ $contact ->
        [none] .
       *[other] : { $contact }
    }
cancel-allowed = The training office agreed to cancel your order for { $class } (order { $number }).
cancel-refused = The training office did not agree to cancel your order for { $class } (order { $number }); it stands. Please contact them with questions{ $contact ->
        [none] .
       *[other] : { $contact }
    }

# For coordinators
coord-line-order = 📝 New order: { $name } ({ $village }) — { $course }, class { $class }, { $taken }/{ $total } taken, { $status }, order { $number }
coord-line-cancelled = ↩️ Cancelled: { $name } — { $class }, order { $number }
coord-line-offered = 🔁 Waitlist: the seat is offered to { $name }, order { $number }
coord-cancel-request = ⚠️ { $name } asks to cancel their order for { $class } (order { $number }) after the cut-off. Allow it?
btn-approve = ✅ Approve
btn-reject = ❌ Reject
btn-allow-cancel = Allow cancellation
btn-refuse-cancel = Refuse

# Main menu
menu-browse = 📚 Find a course
menu-my-courses = 📋 My courses
menu-request = 🙋 I want to learn…
cmd-courses = Browse courses and sign up
cmd-my = My courses and orders

# Browsing
browse-choose-category = What would you like to learn?
browse-category-button = { $category } ({ $count })
browse-nothing-offered = There are no courses open for sign-up right now. You can tell us what you would like to learn.
browse-category-title = { $category } (page { $page } of { $pages }):
btn-request-course = 🙋 Nothing suitable? Ask for a course
btn-prev-page = ⬅️ Previous
btn-next-page = Next ➡️
course-mode = Format: { $mode }
course-trainer = Trainer: { $name } ({ $title })
course-bring = Please bring: { $items }
course-needs-approval = This course needs the training office's approval; you will be told after you order.
course-choose-class = Please choose a class:
course-no-classes = This course has no classes open for sign-up at the moment.
class-seats-left = { $n ->
    [one] 1 seat left
   *[other] { $n } seats left
}
class-full-waitlist = full, waiting list open

# Orders
order-summary-title = Please check your order:
summary-course = Course: { $course }
summary-place = Place: { $place }
summary-sessions = Sessions:
btn-confirm-order = ✅ Confirm my order
order-confirmed =
    You are signed up!
    Order number: { $number }
    We will remind you the evening before and shortly before class. To cancel, go to "My courses".
order-pending =
    Your order has been sent and is waiting for the training office's approval.
    Order number: { $number }
    We will tell you the outcome.
order-waitlisted =
    This class is full; you are number { $position } on the waiting list.
    Order number: { $number }
    We will tell you at once if a seat frees up.
order-already = You have already ordered this class: order { $number } ({ $status }).
order-waitlist-position = Number { $position } on the waiting list
order-class-closed = This class is no longer open for sign-up. Please look at the other classes.
order-class-started = This class has already started. Please look at the other classes.
btn-my-courses = 📋 My courses
btn-browse = 📚 Find a course

# My courses
my-courses-empty = You have not ordered any course yet.
my-courses-title = Your courses:
my-courses-order =
    📘 { $class }
    Order { $number } · { $status }
my-courses-cancel-requested = Cancellation requested; waiting for the training office
btn-cancel-order = ❌ Cancel { $date }, { $place }
order-now = This order is now: { $status }.
cancel-confirm = Do you really want to cancel your order for { $class }? (order { $number })
btn-yes-cancel = Yes, cancel it
btn-keep-order = No, keep it
cancel-done = Order { $number } is cancelled: { $class }.
cancel-requested = It is too close to the class to cancel directly. Your request to cancel order { $number } has gone to the training office; you will be told the outcome.
cancel-already-requested = Your request to cancel order { $number } is already with the training office.
offer-declined = All right, order { $number } is cancelled and the seat goes to the next person.
offer-gone = This seat is no longer held for you (the offer expired or was already answered).
decision-done = Done: order { $number } is now "{ $status }".
decision-already = Order { $number } has already been dealt with; it is now "{ $status }".
not-allowed = You are not allowed to do that.

# Course requests
request-choose-topic = What would you like to learn? Pick one, or type it:
btn-request-type = ✏️ Something else (type it)
request-type-topic =
    Please type what you would like to learn.
    Example: grape growing
request-topic-unclear = Sorry, I could not tell what you would like to learn. A few words are enough, for example: grape growing
request-topic-too-long = Please keep it short (30 characters at most), for example: grape growing
request-recorded = { $count ->
        [one] 1 person in your township has
       *[other] { $count } people in your township have
    } asked for this. When enough do, the training office will arrange a course.
request-already = You have already asked for this. { $count ->
        [one] 1 person in your township has
       *[other] { $count } people in your township have
    } asked for it now.
request-no-village = Please choose your village in Settings first, so we can count requests per township.
requests-none = Nobody in your regions has asked for a course yet.
requests-title = Course requests (you are told at { $threshold ->
        [one] 1 person
       *[other] { $threshold } people
    }):
requests-line = { $township } · { $topic }: { $count }
coord-request-threshold = 📣 { $count ->
        [one] 1 person in { $township } wants
       *[other] { $count } people in { $township } want
    } to learn "{ $topic }". Consider opening a class.

# Course card, classes, my courses (additions)
course-cost-line = Cost: { $cost }
course-credits-line = Credits: { $credits }
class-button = { $place } · { $date } · { $seats }
my-courses-next = Next session: { $when } · { $place }
my-courses-sessions-over = The course has ended
cmd-requests = Course requests (coordinators)
order-not-for-you = This class is not open to you. Please choose one under "Find a course".
class-label = "{ $course }" ({ $date }, { $place })
status-offer-expired = seat offer expired
my-courses-none-current = You have no classes coming up.
my-courses-past-title = Finished:
cancel-done-passed-on = Order { $number } is cancelled: { $class }. The seat has gone to the next person waiting.
cancel-nobody-to-ask = It is too close to the class to cancel directly, and nobody at a training office can take cancellation requests for this area right now, so none was sent. Order { $number } still stands. Please contact the training office directly{ $contact ->
        [none] .
       *[other] : { $contact }
    }
cancel-class-ended = This class is already over (order { $number }): there is nothing to cancel.
order-nobody-to-approve = Please note: nobody at a training office can approve orders for this area yet, so the approval may take a while. Contact the training office directly if you need to{ $contact ->
        [none] .
       *[other] : { $contact }
    }
summary-sessions-places = Dates and places:
