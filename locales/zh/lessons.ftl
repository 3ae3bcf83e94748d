## 微课（📖 学一课）：几分钟学一课，一页一条消息，最后做一两道小题

menu-lesson = 📖 学一课
btn-lesson-next = 下一页 ▶
btn-lesson-listen = 🔊 听语音
btn-lesson-more = 📖 再学一课
lesson-card = 📖 { $title }（第 { $position }/{ $total } 页）
lesson-voice-card = ▶️ 点上面的语音收听。
lesson-voice-offer = 不方便看字？点“🔊 听语音”，听这一页。
lesson-voice-caption = 🔊 { $title }（第 { $position }/{ $total } 页）
lesson-resumed = 接着上次没学完的课：
lesson-question = ✏️ 小问题（{ $position }/{ $total }）· { $title }
    { $text }
lesson-finished = 🎉 学完了：{ $title }
lesson-progress = 您已经学完 { $count } 课，接着加油！
lesson-credit-earned = 获得学分：{ $credits }（微课）
lesson-credit-counted = 这一课今年已经记过学分了，不重复计算。
lesson-credit-year = { $year } 年微课学分合计：{ $total }
lesson-none-left = 👏 现有的微课您都学完了！有新课会放上来，过几天再来看看。想系统地学，可以点“📚 报名培训”。
lesson-stale-passed = 这一页已经看过了。请看最新的一条消息，或者点“📖 学一课”接着学。
lesson-stale-finished = 这一课已经学完了。点“📖 学一课”学下一课。
lesson-use-buttons = 没看懂。您正在学一课：点课文下面的“下一页 ▶”接着看；找不到了，就点菜单里的“📖 学一课”。
lesson-no-voice = 这一页没有语音。

# /credits 和学分表：学分的来源
credits-source-classes = 培训班结业：
credits-source-lessons = 微课学习：
credits-lesson-line = • { $lesson }：{ $credits } · { $date }学完
csv-source = 来源
csv-source-class = 培训班
csv-source-lesson = 微课

# /mydata
mydata-lessons = 微课：学完 { $count } 课（开始学 { $read } 次）
