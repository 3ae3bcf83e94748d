# Session reminders
reminder-title = ⏰ Class reminder: { $course }
reminder-when = When: { $when }
reminder-place = Where: { $place }
btn-coming = 👍 I'll come
btn-not-coming = Can't come
rsvp-noted = Good, see you there!
btn-will-come = I'll come after all
rsvp-stale = This reminder is out of date (the order may have been cancelled or the class changed). Please look at "My courses".

# Changes to a class
session-moved =
    📢 A class has moved: { $course }
    New time: { $when }
    Place: { $place }
session-cancelled = 📢 The { $course } class on { $when } is cancelled. We will tell you about any new date.

# Busy-season warning (coordinators and trainers)
busy-session-warning = ⚠️ “{ $course }” at { $place } meets on { $date }, during { $season }: villagers may not be able to come. Nearby free days: { $alternatives }
reminder-when-relative = When: { $day }, { $when }
day-today = today
day-tomorrow = tomorrow
rsvp-absence-noted = All right: we have noted that you can't come to the class on { $when }; your trainer sees it on the list. Your other classes stay as they are. If you will not take the course at all, you can cancel your order.
btn-cancel-whole-order = I won't take the course: cancel my order
