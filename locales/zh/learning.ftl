# 签到（考勤）
cmd-checkin = 开始签到（老师）
cmd-credits = 我的学分
cmd-export-credits = 导出学分表（培训办）
checkin-choose-session = 请选择要签到的课：
checkin-no-sessions = 现在没有可以开始签到的课。签到从上课前 30 分钟开放，到下课为止，只能为今天的课签到。（如果您是老师但看不到课程，请让培训办用带您名字的邀请链接重新邀请您{ $contact ->
        [none] 。）
       *[other] ：{ $contact }）
    }
checkin-next-today = 今天的课还没到签到时间：{ $opens } 起可以开始签到（上课前 30 分钟）。
checkin-session-button = { $when } · { $course }
checkin-opened = 签到码：{ $code }
    请念给学员听或写在黑板上，{ $minutes } 分钟内有效。学员把这 4 个数字发给我就能签到；上课地点设了位置的，也可以在现场发送位置签到。
checkin-not-yours = 这不是您的课，不能为它签到。
checkin-ended = 这次课已经结束，不能再签到了。
checkin-not-yet = 还没到签到时间：{ $opens } 起可以签到（上课前 30 分钟）。
checkin-open = 📋 “{ $course }”开始签到了！把老师念的 4 位签到码发给我就能签到，也可以点下面的按钮。
btn-checkin = ✅ 签到
btn-send-location = 📍 发送位置
btn-back-to-menu = ↩️ 返回菜单
checkin-done = ✅ 签到成功：{ $course }
checkin-already = 您已经签过到了：{ $course }
checkin-wrong-code = 签到码不对。请再听一下老师说的 4 位数字，例如：4821（再错 { $left } 次，签到会锁定 10 分钟）
checkin-locked = 签到码错的次数太多，签到已锁定，{ $until } 以后才能再试。请向老师确认签到码。
checkin-prompt = 签到“{ $course }”：请把老师念的（或写在黑板上的）4 位签到码发给我。
checkin-prompt-location = 签到“{ $course }”：请把老师念的 4 位签到码发给我；人在上课地点的话，也可以点下面的“📍 发送位置”。
checkin-none-open = 现在没有您可以签到的课。签到码要在老师开始签到以后、并且您报了这个班才能用。
checkin-no-session-now = 现在没有您正在上的课，收到的位置没有用来签到。签到从上课前 30 分钟开放，到下课为止。
checkin-too-far = 您离上课地点大约 { $distance } 米，要在 { $radius } 米以内才能用位置签到。到了上课地点再发一次，或者输入老师念的签到码。
checkin-no-venue = 这次课没有设定上课地点的位置，不能用位置签到。请输入老师念的 4 位签到码。
checkin-not-booked = 您没有报这个班，不能为它签到。
checkin-closed = 这次课已经结束，签到已关闭。
checkin-location-how = 请用下面的“📍 发送位置”按钮发送您现在的位置（电脑版 Telegram 不能发送位置）。也可以直接输入老师念的 4 位签到码。
roster-title = 📋 { $course } · { $when }
roster-code = 签到码 { $code }（{ $until } 前有效）
roster-closed = 签到已结束
roster-hand = 补记考勤：{ $until } 前可以修改
roster-final = 考勤已确定
roster-line = { $mark } { $name }{ $practical }{ $leave }
roster-apology = （请假）
roster-present = ✅
roster-absent = ⬜
roster-excused = 🌾
roster-practical-pass = （实操通过）
roster-practical-fail = （实操未过）
roster-counts = 已到 { $present } / { $total } 人
btn-mark = { $name } { $mark }
btn-practical-pass = { $name } 实操✔
btn-practical-fail = { $name } 实操✘
btn-refresh-roster = 🔄 刷新名单
btn-close-checkin = ⏹ 结束签到
not-a-trainer = 只有老师可以用这个功能。
mark-too-late = 现在不能记考勤了：只能在上课前 30 分钟到下课后 48 小时之间记录。
attendance-by-hand = ✍️ 这节课没有签到记录。请点名单上的名字，把来上课的学员标成“✅”。下课后 48 小时内都可以补记；没有标到的算缺勤。
learning-date-time = { $month }月{ $day }日 { $time }

# 测验
quiz-invite = 📝 “{ $course }”的课上完了！做个小测验吧，5 道题，点按钮作答。
btn-start-quiz = 📝 开始测验
btn-quiz = 📝 测验：{ $course }
quiz-question = 第 { $position }/{ $total } 题
    { $text }
quiz-right = ✅ 答对了！
quiz-wrong = ❌ 不对。正确答案：{ $right }
quiz-explanation = 💡 { $explanation }
quiz-passed = 🎉 测验通过！答对 { $correct }/{ $total } 题。
quiz-failed = 这次答对 { $correct }/{ $total } 题，还差一点：需要答对 { $needed } 题才算通过。
quiz-review-title = 看看答错的题：
quiz-review-line = • { $text }
    正确答案：{ $right }
    { $explanation }
btn-retake = 🔁 再考一次
quiz-no-retake = 补考机会已经用完了。请联系老师。
quiz-not-eligible = 要先来上课、签到以后才能做测验。
quiz-already-passed = 您已经通过这门课的测验了。
quiz-no-attempts = 测验机会已经用完了。请联系老师。
quiz-no-questions = 这门课还没有测验题。
quiz-stale = 这道题已经答过了，请回答最新的题。
quiz-closed = 这次测验已经结束了。
quiz-use-buttons = 请点题目下面的按钮作答，或者发送选项的数字（例如：1）。

# 结业与学分
completed = 🎓 恭喜您完成“{ $course }”的学习，顺利结业！
completed-credits = 获得学分：{ $credits }
completed-code = 证书验证码：{ $code }
certificate-title = 结业证书
certificate-dates = 培训时间：{ $dates }
certificate-date = { $year }年{ $month }月{ $day }日（{ $weekday }）
certificate-trainer = 授课老师：{ $name }
certificate-code = 验证码 { $code }
certificate-issuer = { $region } 田间学校
btn-certificate = 🎓 结业证书
certificate-none = 这门课还没有结业证书。
credits-title = 📘 { $year } 年的学分：
credits-line = • { $course }：{ $credits }（{ $date } 结业）
credits-total = 合计：{ $total } 学分
credits-none = 今年还没有取得学分。报名干部培训课程并结业，或者点“📖 学一课”学干部微课，都能获得学分。
credits-export-caption = 学分表（{ $year } 年，{ $count } 条）
credits-export-none = 您负责的地区今年还没有干部结业记录。
csv-name = 姓名
csv-village = 所在村
csv-course = 课程
csv-completed = 结业日期
csv-credits = 学分
csv-code = 证书验证码
verify-line = 证书 { $code }：{ $name } 于 { $date } 完成“{ $course }”，学分 { $credits }（订单 { $number }）
verify-found = ✅ 田间学校结业证书查验：
    { $line }
verify-unknown = 没有这个验证码的证书。
# 订单状态（在这里而不在 orders.ftl：课程结束后的结论由考勤和测验决定）
status-not-completed = 未结业
