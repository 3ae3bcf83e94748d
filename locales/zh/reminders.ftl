# 上课提醒
reminder-title = ⏰ 上课提醒：{ $course }
reminder-when = 时间：{ $when }
reminder-place = 地点：{ $place }
btn-coming = 👍 我会来
btn-not-coming = 来不了
rsvp-noted = 好的，到时见！
btn-will-come = 我还是来
rsvp-stale = 这条提醒已经过时了（订单可能已取消或课程有变）。请看“我的课程”。

# 课程变动
session-moved =
    📢 上课时间或地点有变：{ $course }
    新的时间：{ $when }
    地点：{ $place }
session-cancelled = 📢 { $course } 原定 { $when } 的课取消了。有新安排会再通知您。

# 农忙提醒（给培训办和老师）
busy-session-warning = ⚠️ “{ $course }”（{ $place }）的课安排在 { $date }，正赶上{ $season }，农户可能来不了。附近不忙的日子：{ $alternatives }
reminder-when-relative = 时间：{ $day }，{ $when }
day-today = 今天
day-tomorrow = 明天
rsvp-absence-noted = 好的，已记下您 { $when } 那次课请假，老师会在名单上看到。其他的课照常上。如果整个课程都不上了，可以取消报名。
btn-cancel-whole-order = 整个课程都不上了，取消报名
