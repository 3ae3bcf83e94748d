# 群发通知（老师、培训办）
cmd-broadcast = 群发通知（老师、培训办）
broadcast-no-targets = 您现在没有可以通知的班级或地区。
broadcast-choose-target = 发给谁？
broadcast-target-class = 班级：{ $course } · { $place }
broadcast-target-region = 地区：{ $region }
broadcast-choose-audience = 发给哪些人？
broadcast-audience-all = 所有人
broadcast-ask-text =
    请输入通知内容（也可以发一张照片，照片下面写说明）。
    例如：明天上午的课改在村委会二楼，请带上笔记本。
    不想发了就发 /cancel。
broadcast-empty = 通知内容不能是空的。请再输入一次。
broadcast-too-long = 太长了：最多 { $limit } 个字，现在有 { $length } 个字。请缩短一些。
broadcast-use-buttons = 请点上面的按钮选择。
broadcast-need-text = 请输入文字，或者发一张照片。
broadcast-preview-title = 👀 预览（收件人看到的就是下面这样）：
broadcast-ask-urgency = 将发给 { $count } 人。这是普通通知还是紧急通知？（普通通知避开夜间和农忙干活的时间；紧急通知只避开夜间）
broadcast-normal = 普通通知
broadcast-urgent = ⚠️ 紧急通知
broadcast-confirm = 确认发送{ $kind }给 { $count } 人吗？
broadcast-send = ✅ 发送
broadcast-cancel = ✖ 不发了
broadcast-cancelled = 好的，这条通知没有发出。
broadcast-no-recipients = 没有收件人：这个范围里现在没有可以联系的人，所以什么也没有发。
broadcast-progress = 📤 发送中：已送达 { $sent }，等待 { $waiting }，未送达 { $failed }
broadcast-report = 📬 发送完成：送达 { $sent } 人，拉黑 { $blocked } 人，失败 { $failed } 人，已点“收到” { $acks } 人。
broadcast-report-unreached = 没联系上的人（请电话通知）：
broadcast-report-person = • { $name }（{ $village }）— { $why }
broadcast-report-blocked = 已屏蔽机器人
broadcast-report-failed = 发送失败
broadcast-report-unconfirmed = 发送时机器人中断，不确定是否收到
broadcast-report-unacked = 已送达、还没点“收到”的 { $n } 人（要紧的事请打电话问问）：
broadcast-report-unacked-person = • { $name }（{ $village }）
broadcast-report-all-acked = 收到通知的人都点了“收到”。
broadcast-report-more = ……还有 { $n } 人没有列出（消息放不下）。
broadcast-header = 📢 { $sender }（{ $role }）· { $about }
broadcast-role-trainer = 老师
broadcast-role-coordinator = 培训办
broadcast-about-class = { $course }（{ $place }）
broadcast-about-region = { $region }
btn-refresh-report = 🔄 刷新
btn-ack = ✅ 收到
broadcast-acked = 好的，已告诉老师您收到了。
broadcast-ack-preview = 这是预览，收件人点了才算数。

# 每日汇总（给培训办）
digest-title = 📊 { $date } 培训日报
digest-orders = 新报名：{ $total } 人
digest-order-line =   • { $course }：{ $n } 人
digest-cancellations = 取消报名：{ $n } 人
digest-waitlisted = 正在候补：{ $n } 人
digest-attendance = 已上的课：到课 { $present } 人次，缺课 { $absent } 人次，农忙请假 { $excused } 人次
digest-quizzes = 测验：{ $passed }/{ $all } 次通过
digest-surveys = 回访和评价问卷：答完 { $n } 份（详见 /outcomes）
digest-requests = 点单达到人数：{ $list }
digest-busy = ⚠️ 两周内排在农忙期的课：{ $list }
digest-busy-line = { $course } · { $place } · { $first }开班：{ $date }正值{ $season }
digest-unreachable = 联系不上（屏蔽了机器人）：{ $list }
digest-person = { $name }（{ $village }）
list-separator = ；
