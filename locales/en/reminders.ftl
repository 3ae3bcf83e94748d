# Session reminders
reminder-title = ⏰ Class reminder: { $course }
reminder-when = When: { $when }
reminder-place = Where: { $place }
btn-coming = 👍 I'll come
btn-not-coming = Can't come
rsvp-noted = Good, see you there!
rsvp-confirm-release = Are you sure you can't come? Your seat will go to the next person waiting, and your order for this course will be cancelled.
btn-release-seat = Yes, I can't come
btn-will-come = I'll come after all
rsvp-released = All right: order { $number } is cancelled and the seat has gone to someone else. You can sign up again later.
rsvp-stale = This reminder is out of date (the order may have been cancelled or the class changed). Please look at "My courses".

# Changes to a class
session-moved =
    📢 A class has moved: { $course }
    New time: { $when }
    Place: { $place }
session-cancelled = 📢 The { $course } class on { $when } is cancelled. We will tell you about any new date.

# Busy-season warning (coordinators and trainers)
busy-session-warning = ⚠️ Class { $class } meets on { $date }, during { $season }: villagers may not be able to come. Nearby free days: { $alternatives }
