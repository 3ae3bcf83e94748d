## 每日一课：每天在选好的时间推送一课；学习连续天数

lesson-daily-today = 📖 今天的一课：{ $title }
    几分钟就能学完，最后有一两道小题。
btn-lesson-daily-start = ▶ 开始学习
lesson-daily-offer = 想每天学一课吗？选个方便的时间，到时候推送给您。
btn-lesson-daily-offer = 📅 每天推送一课
lesson-daily-ask = 📖 每日一课：每天什么时候发给您？
    夜里不发；农忙的日子，改在中午或晚上休息时发。
lesson-daily-current = 现在是每天{ $time }发。点别的时间就改过来；不想要了，点“不用推送了”。
lesson-daily-part-morning = 早上 { $time }
lesson-daily-part-noon = 中午 { $time }
lesson-daily-part-evening = 晚上 { $time }
btn-lesson-daily-off = 不用推送了
lesson-daily-saved = ✅ 好的，每天{ $time }给您发一课。
lesson-daily-stopped = 好的，不再每天推送了。想学的时候点“📖 学一课”。
lesson-daily-not-subscribed = 您现在没有订阅每日一课。
lesson-daily-done-already = 这一课您已经学完了。点“📖 学一课”学下一课。
lesson-daily-gone = 这一课现在没有了。点“📖 学一课”看看别的课。
lesson-streak = 🔥 已连续学习 { $days } 天
settings-lesson-daily-on = 📖 每日一课：{ $time }
settings-lesson-daily-off = 📖 每日一课（未订阅）
mydata-lesson-daily = 每日一课：{ $time }（已推送 { $sent } 次）
mydata-lesson-daily-none = 每日一课：未订阅（已推送 { $sent } 次）

## 课前预习 / 课后复习：报了名的课，上课前一晚和结课后一晚各发一课

lesson-course-preview = 📖 课前预习：《{ $title }》
    明天上课前花几分钟看看。
lesson-course-preview-soon = 📖 课前预习：《{ $title }》
    上课前花几分钟看看。
lesson-course-review = 📖 课后复习：《{ $title }》
    趁刚上完课，再看一遍记得牢。
