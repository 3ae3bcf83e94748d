# 上课提醒
reminder-title = ⏰ 上课提醒：{ $course }
reminder-when = 时间：{ $when }
reminder-place = 地点：{ $place }
btn-coming = 👍 我会来
btn-not-coming = 来不了
rsvp-noted = 好的，到时见！
rsvp-confirm-release = 确定来不了吗？您的名额会让给候补的人，这门课的报名也会取消。
btn-release-seat = 确定，来不了
btn-will-come = 我还是来
rsvp-released = 好的，订单 { $number } 已取消，名额让给了别人。想学可以以后再报名。
rsvp-stale = 这条提醒已经过时了（订单可能已取消或课程有变）。请看“我的课程”。

# 课程变动
session-moved =
    📢 上课时间或地点有变：{ $course }
    新的时间：{ $when }
    地点：{ $place }
session-cancelled = 📢 { $course } 原定 { $when } 的课取消了。有新安排会再通知您。

# 农忙提醒（给培训办和老师）
busy-session-warning = ⚠️ 班次 { $class } 的课安排在 { $date }，正赶上{ $season }，农户可能来不了。附近不忙的日子：{ $alternatives }
