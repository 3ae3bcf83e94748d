# 签到（考勤）
cmd-checkin = 开始签到（老师）
cmd-credits = 我的学分
cmd-export-credits = 导出学分表（培训办）
checkin-choose-session = 请选择要签到的课：
checkin-no-sessions = 您近期没有要上的课。（如果您是老师但看不到课程，请让培训办用带您名字的邀请链接重新邀请您{ $contact ->
        [none] 。）
       *[other] ：{ $contact }）
    }
checkin-session-button = { $when } · { $course }
checkin-opened = 签到码：{ $code }
    请念给学员听或写在黑板上，{ $minutes } 分钟内有效。学员打这 4 个数字，或点“签到”按钮就能签到。
checkin-not-yours = 这不是您的课，不能为它签到。
checkin-ended = 这次课已经结束，不能再签到了。
checkin-open = 📋 “{ $course }”开始签到了！点下面的按钮，或者把老师说的 4 位签到码发给我。
btn-checkin = ✅ 签到
checkin-done = ✅ 签到成功：{ $course }
checkin-already = 您已经签过到了：{ $course }
checkin-wrong-code = 签到码不对。请再听一下老师说的 4 位数字，例如：4821
checkin-none-open = 现在没有您可以签到的课。签到码要在老师开始签到以后、并且您报了这个班才能用。
checkin-not-open-for-you = 这次签到已经结束，或者您没有报这个班。
roster-title = 📋 { $course } · { $when }
roster-code = 签到码 { $code }（{ $until } 前有效）
roster-closed = 签到已结束
roster-line = { $mark } { $name }{ $practical }
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
quiz-failed = 这次答对 { $correct }/{ $total } 题，还差一点。
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

# 结业与学分
completed = 🎓 恭喜您完成“{ $course }”的学习，顺利结业！
completed-credits = 获得学分：{ $credits }
completed-code = 证书验证码：{ $code }
certificate-title = 结业证书
certificate-dates = 培训时间：{ $dates }
certificate-trainer = 授课老师：{ $name }
certificate-code = 验证码 { $code }
certificate-issuer = { $region } 田间学校
credits-title = 📘 { $year } 年的学分：
credits-line = • { $course }：{ $credits }（{ $date } 结业）
credits-total = 合计：{ $total } 学分
credits-none = 今年还没有取得学分。报名干部培训课程并结业就能获得学分。
credits-export-caption = 学分表（{ $year } 年，{ $count } 条）
credits-export-none = 您负责的地区今年还没有干部结业记录。
csv-name = 姓名
csv-village = 所在村
csv-course = 课程
csv-completed = 结业日期
csv-credits = 学分
csv-code = 证书验证码
verify-line = 证书 { $code }：{ $name } 于 { $date } 完成“{ $course }”，学分 { $credits }（订单 { $number }）
verify-unknown = 没有这个验证码的证书。
