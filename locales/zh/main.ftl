# 通用
language-name = 中文
menu-expired = 这个菜单已过期，请用最新消息里的按钮。
error-apology = 抱歉，系统出了点问题，请稍后再试。如果一直不行，请联系培训办{ $contact ->
        [none] 。
       *[other] ：{ $contact }
    }
use-buttons = 请点下面的按钮选择。
need-text = 请打字回复（不能用图片、表情或语音）。
unknown-command = 没有这个命令。请用下面的菜单按钮，或发送 /help 查看帮助。
register-first = 请先登记：发送 /start 开始。
cancelled = 已取消。
nothing-to-cancel = 现在没有要取消的事。
nothing-to-cancel-unregistered = 现在没有要取消的事。发送 /start 开始登记。

# 按钮
btn-back = ⬅️ 返回
btn-done = ✅ 完成
btn-agree = ✅ 同意
btn-decline = ❌ 不同意
btn-switch-language = 中文
btn-skip = 跳过
btn-share-phone = 📱 发送我的手机号
btn-remove-phone = 删除手机号

# 主菜单
menu-title = 请选择：
menu-help = ❓ 帮助
menu-settings = ⚙️ 设置
menu-unknown = 没看懂。请点下面菜单里的按钮。
welcome-back = { $name }，欢迎回来！请点下面的菜单。

# 登记
reg-consent =
    欢迎来到田间学校！这里可以报名免费的技能培训。

    登记前请了解：
    • 我们记录：您的姓名、所在村、您选择的培训，以及您愿意留下的手机号。
    • 用途：安排培训、提醒上课、了解培训效果。
    • 谁能看到：县乡培训办的工作人员和您所报课程的老师。不会给其他人。
    • 您可以随时在“设置”里修改这些信息；点“📄 我的数据”（或发送 /mydata）查看和下载；点“🗑 删除我的信息”（或发送 /deleteme）删除。删除后姓名、手机号和您打的字都抹掉，只留下不知道是谁的统计数字。

    您同意吗？
reg-declined = 好的，我们没有保存您的任何信息。想登记时，发送 /start 就可以。
reg-cancelled = 已取消登记，没有保存您的信息。想登记时，发送 /start。
reg-ask-audience = 您是哪一类？
audience-villager = 👨‍🌾 农户
audience-cadre = 👔 基层干部
reg-ask-name =
    请打字告诉我您的姓名。
    例如：王秀英
ask-county = 请选择您所在的县：
ask-township = 请选择您所在的乡镇：
ask-village = 请选择您所在的村：
no-regions = 目前还没有可选的地区，请联系县培训办{ $contact ->
        [none] 。
       *[other] ：{ $contact }
    }
reg-ask-phone =
    留个手机号方便老师联系您吗？
    点下面“📱 发送我的手机号”，或者点“跳过”。
reg-contact-not-own = 请点“📱 发送我的手机号”按钮发送您自己的号码。
use-contact-button = 请点下面的“📱 发送我的手机号”按钮，或者点“跳过”。不用打字输入号码。
reg-done =
    登记成功！
    姓名：{ $name }
    地区：{ $village }
# 一个人的村子连同上级地区：中文从大到小、不加分隔（新安县铁山镇东村）
region-address = { $county }{ $township }{ $village }

# 姓名
name-empty = 姓名不能为空。请打字输入您的姓名，例如：王秀英
name-too-long = 姓名太长了（最多 30 个字）。请再输入一次，例如：王秀英
name-bad-character = 姓名里只能有文字（可以有空格、“·”和“-”）。请再输入一次，例如：王秀英 或 阿依古丽·买买提

# 帮助
help-unregistered = 这是田间学校报名助手。发送 /start 开始登记。
help-villager =
    我能帮您：
    • 报名免费技能培训（种养、电商、家政、电工等）
    • 提醒您上课时间和地点
    • 课后小测验、领取结业证书
    • 点“📖 学一课”，几分钟学一点实用技术
    • 拿到结业证书后，有合适的活会告诉您；也可以点“💼 找工作”看看
help-cadre =
    我能帮您：
    • 报名干部培训课程（政策解读、产业规划、项目管理等）
    • 提醒上课时间和地点
    • 课后测验、查看学分（计入年度考核）
    • 点“📖 学一课”学干部微课，学完也算学分
help-trainer =
    老师功能：
    • /broadcast 给您班上的学员发通知
    • /checkin 开启签到、记录考勤和实操考核
    • /lesson 在聊天里做一节微课（文字、照片、语音和小测验），发布给农户或干部
help-coordinator =
    培训办功能：
    • 审批报名，每有新报名即时通知（可在设置里关闭）
    • /report 报名和考勤汇总、图表和表格；每天 18:00 的日报
    • /outcomes 培训成效：回访应答率、就业、收入变化、课程评价，可导出原始答卷
    • /opening 发布用工信息（用工单位、工钱、名额、哪些证书合格），设最低工资线
    • /referrals 就业推荐：用工信息、推荐名单、登记面试和录用结果、打印推荐卡
    • /broadcast 给本地区发通知；/requests 点单统计；/export_credits 导出干部学分
help-admin = 管理员：可以邀请老师和培训办人员；/parked 查看处理出错、已搁置的消息。
help-contact = 培训办联系方式：{ $contact }
help-footer =
    常用命令：
    /menu 主菜单　/settings 设置　/cancel 取消当前操作　/help 帮助

# 设置
settings-menu =
    您的信息：
    姓名：{ $name }
    村：{ $village }
    手机：{ $phone }
    语言：{ $language }

    要修改哪一项？
settings-no-phone = 未留
settings-lang = 🌐 语言
settings-name = ✏️ 姓名
settings-village = 🏠 所在村
settings-phone = 📱 手机号
settings-ask-lang = 请选择语言：
settings-ask-phone = 点“📱 发送我的手机号”更新号码，或点“删除手机号”。
settings-saved-lang = 语言已改为中文。
settings-saved-name = 姓名已改为：{ $name }
settings-saved-village = 所在村已更新。
settings-saved-phone = 手机号已更新。
settings-removed-phone = 手机号已删除。
settings-closed = 设置已保存。

# 邀请
role-trainer = 老师
role-trainer-of = 老师（课程目录里的讲师：{ $trainer }）
role-coordinator-of = 培训办工作人员（负责地区：{ $region }）
role-admin = 管理员
reg-consent-staff =
    欢迎来到田间学校！您打开的是工作人员邀请：{ $role }。

    { consent-staff-terms }

    同意并登记后，您就有了这个身份。您同意吗？
# What staff agree to (in the invite above, and asked again when the consent text changes).
consent-staff-terms =
    登记前请了解：
    • 我们记录：您的姓名，以及您愿意留下的手机号。
    • 用途：安排培训，让学员和培训办联系得到您。
    • 谁能看到：县乡培训办的工作人员；您发给学员的通知上有您的姓名。
    • 您可以随时在“设置”里修改这些信息；点“📄 我的数据”（或发送 /mydata）查看和下载；点“🗑 删除我的信息”（或发送 /deleteme）删除。
reg-done-staff =
    登记成功！
    姓名：{ $name }
    身份：{ $role }
reg-done-staff-no-role =
    登记成功！
    姓名：{ $name }
invite-confirm = 这个邀请链接给您：{ $role }。要接受吗？
invite-confirm-replace = 注意：一个账号只能对应课程目录里的一位讲师。您现在对应的是“{ $old }”；接受后改为“{ $new }”，您将看不到“{ $old }”的班次（签到、发通知），也不再收到关于它们的消息。
btn-invite-accept = ✅ 接受
btn-invite-decline = ❌ 不接受
invite-declined = 好的，什么都没有改变。这个链接没有用掉，可以转给该用它的人。
invite-nothing-new = 您已经是{ $role }了，不需要这个链接。链接没有用掉，可以转给该用它的人。
invite-granted = 好了！您现在是{ $role }。
invite-replaced = 您的账号不再对应讲师“{ $old }”。
invite-expired = 这个邀请链接已过期，请向培训办要一个新的{ $contact ->
        [none] 。
       *[other] （{ $contact }）。
    }
invite-used = 这个邀请链接已经用过了，每个链接只能用一次。
invite-unknown = 这个邀请链接无效，请检查或向培训办要一个新的{ $contact ->
        [none] 。
       *[other] （{ $contact }）。
    }

# 工作人员自己参加培训
audience-name-villager = 农户
audience-name-cadre = 基层干部
staff-choose-audience = 您是以工作人员身份登记的，还没有选参加培训的身份。想自己参加培训，请选择：
staff-audience-chosen = 好的，您以“{ $audience }”身份参加培训。
settings-audience-none = 参加培训：未选择（想自己参加培训，点下面的“农户”或“基层干部”）
settings-saved-audience = 好的，您以“{ $audience }”身份参加培训。
help-staff = 您以工作人员身份登记。想自己参加培训，在“设置”里选择“农户”或“基层干部”。

# 发通知：没有对象时说明原因
broadcast-why-none = 您现在没有可以通知的班级或地区，原因是：
why-trainer-unlinked =
    • 您的老师账号还没有对应课程目录里的讲师，所以看不到任何班级。
    请培训办这样做：① 在课程目录文件里找到（或加上）您的 [[trainer]] 条目，记下它的 key；② 运行 fieldschool invite --role trainer --trainer 这个key，把生成的链接发给您；③ 您打开链接，点“接受”。
why-trainer-no-classes =
    • 您（讲师：{ $trainer }）的课程现在没有已有学员报名、正在进行的班次。有人报名后就可以发通知。
    如果班次还没有排上：请培训办在课程目录文件里为您的课程加上班次（[[class]]），再运行 fieldschool import 导入。
why-coordinator-region-missing =
    • 您负责的地区“{ $region }”不在现在的课程目录里。
    请培训办这样做：① 检查课程目录文件里这个地区的 key；② 重新导入（fieldschool import），或运行 fieldschool invite --role coordinator --region 正确的key，把新链接发给您。
why-admin-only =
    • 管理员账号本身没有发通知的对象：老师给自己的班级发，培训办给本地区发。
    如需发通知，请运行 fieldschool invite --role coordinator --region 地区key，给自己一个培训办邀请。

# 点单
request-recorded-topic = 已记下您想学的：{ $topic }

# 出错后
error-dialog-ended = 刚才这一步没有完成，已退出当前操作。需要的话请重新开始。

# 命令菜单
cmd-start = 开始 / 登记
cmd-menu = 主菜单
cmd-help = 帮助
cmd-settings = 设置
cmd-cancel = 取消当前操作

# 日期
weekday-mon = 周一
weekday-tue = 周二
weekday-wed = 周三
weekday-thu = 周四
weekday-fri = 周五
weekday-sat = 周六
weekday-sun = 周日
date-format = { $month }月{ $day }日（{ $weekday }）
month-1 = 1月
month-2 = 2月
month-3 = 3月
month-4 = 4月
month-5 = 5月
month-6 = 6月
month-7 = 7月
month-8 = 8月
month-9 = 9月
month-10 = 10月
month-11 = 11月
month-12 = 12月
session-when = { $date } { $start }–{ $end }

# 暂停消息
settings-pause = ⏸ 暂停消息
settings-ask-pause = 农忙顾不上看消息？可以暂停一段时间：通知、问卷都等您回来再发。上课提醒照常发。
settings-pause-days = 暂停 { $days } 天
settings-pause-now = 消息已暂停到 { $until }。上课提醒照常发。
settings-pause-end = ▶️ 现在恢复
settings-paused = 好的，暂停 { $days } 天。上课提醒照常发。
settings-pause-ended = 好的，消息已恢复。
settings-lines-turn-off = 🔕 关闭新报名即时通知
settings-lines-turn-on = 🔔 打开新报名即时通知
settings-lines-on = 好的，每有新报名、取消或候补递补都会马上告诉您。
settings-lines-off = 好的，不再逐条通知新报名（审批请求照常发，每天的汇总也照常发）。

# 搁置的消息（管理员）
parked-none = 没有搁置的消息：收到的消息都处理好了。
parked-title = 处理了几次都出错、已搁置的消息共 { $count } 条（最早的在前）：
parked-line = • #{ $id }（{ $kind }，聊天 { $chat }，{ $received } 收到）
    错误：{ $error }
parked-hint = 修好原因后，发 /parked retry 全部重试，或 /parked retry 编号 重试一条。重试的消息在几秒内处理，排在这个聊天后来的消息之后。
parked-retried = 已放回重试 { $count } 条，几秒内处理。
parked-retry-unknown = 没有编号为 #{ $id } 的搁置消息。发 /parked 查看。
parked-usage = 用法：/parked 查看；/parked retry 全部重试；/parked retry 编号 重试一条（例如 /parked retry 1000123）。
