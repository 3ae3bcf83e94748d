## /opening：发布用工信息、最低工资线（协调员、管理员）

cmd-opening = 发布用工信息、最低工资线（培训办）
opc-help = • /opening 发布用工信息（培训合格的农户会收到推荐），查看已发布的，设置本地区最低工资线
opc-menu = 💼 用工信息：发布给培训合格的农户，他们同意后由您推荐给用工方。要做什么？
opc-btn-start = ➕ 发布用工信息
opc-btn-openings = 📋 已发布的用工信息
opc-btn-floor = 💰 最低工资线
opc-no-regions = 您负责的地区不在培训目录里，暂时不能发布。请联系管理员。

opc-ask-employer = 第 1 步：用工单位叫什么？（{ $max } 字以内）
    例如：铁山镇香菇专业合作社
opc-ask-contact = 第 2 步：用工方联系人和电话？（只给同意推荐的人看）
    例如：李经理 13800000000
opc-ask-region = 第 3 步：工作在哪个地区？请点下面的按钮。
opc-ask-place = 第 4 步：具体在哪里上班？（{ $max } 字以内）
    例如：铁山镇东村合作社菇棚
opc-ask-work = 第 5 步：干什么活？（{ $max } 字以内）
    例如：菌棒补水、出菇管理和采摘
opc-ask-pay = 第 6 步：工钱多少？写最低和最高，按月或按天。
    例如：3000-4500，或 3000到4500，或 150元/天
opc-pay-floor-hint = 本地区最低工资线：{ $floor } 元/月（按天的乘 21.75 天算）。
opc-ask-closes = 第 7 步：报名截止到哪天？长期招就点“长期招”。
    例如：2027-03-31
opc-btn-long-term = 长期招
opc-ask-seats = 第 8 步：招几个人？（1 到 { $max }）
    例如：5
opc-ask-courses = 第 9 步：要哪门培训的结业证书？点课程选上（可以选几门，再点一次取消），选好点“完成”。
opc-courses-chosen = 已选：{ $courses }
opc-btn-courses-done = ✔ 完成
opc-ask-travel = 第 10 步：提供路费或接送吗？
opc-btn-travel-yes = 是，提供
opc-btn-travel-no = 否
opc-preview-intro = 请看一下，农户收到的推荐就是这样：
opc-preview-private = 只给同意推荐的人看：{ $contact }
    发布到：{ $region }
opc-btn-publish = ✅ 发布
opc-btn-edit = ✏ 修改…
opc-btn-abandon = 🗑 放弃
opc-ask-change = 要改哪一项？
opc-part-employer = 用工单位
opc-part-contact = 联系人电话
opc-part-region = 地区
opc-part-place = 上班地点
opc-part-work = 干什么活
opc-part-pay = 工钱
opc-part-closes = 截止日期
opc-part-seats = 招几人
opc-part-courses = 要求的证书
opc-part-travel = 路费接送
opc-ask-abandon = 确定放弃这条用工信息吗？填的内容不会保存。
opc-btn-abandon-yes = 确定放弃
opc-btn-abandon-no = 继续填写
opc-abandoned = 已放弃，没有发布。
opc-ask-resume = 您有一条没填完的用工信息（{ $employer }）。接着填，还是重新开始？
opc-untitled = 未填单位
opc-btn-resume = 接着填
opc-btn-restart = 重新开始
opc-published = ✅ 已发布“{ $employer }”。有对应证书的农户会陆续收到推荐；有人报名会通知您。
opc-line-published = 💼 { $name } 发布了用工信息：“{ $employer }”，招 { $seats } 人。

opc-ask-floor-region = 💰 最低工资线：发布的用工信息，最低工钱不能低于它（按天的乘 21.75 天算）。乡镇没设的，用县里的。要设哪个地区？
opc-floor-line = • { $region }：{ $floor } 元/月
opc-floor-line-none = • { $region }：未设
opc-ask-floor-amount = { $region }的最低工资线是每月多少元？
    例如：2000
opc-floor-now = 现在适用：{ $floor } 元/月
opc-btn-floor-remove = 取消这里的最低线
opc-floor-set = ✅ { $region }的最低工资线已设为 { $yuan } 元/月。
opc-floor-removed = ✅ 已取消{ $region }自己的最低工资线（有上级地区的，按上级的算）。

opc-problem-need-text = 请直接打字回答。
opc-problem-use-buttons = 请点上面的按钮选择。
opc-problem-text = 请写 1 到 { $max } 个字。
opc-problem-no-phone = 要有电话号码，用工方才能联系上。例如：李经理 13800000000
opc-problem-pay-range = 工钱要写最低和最高，最低在前，都要大于 0。例如：3000-4500
opc-problem-below-floor = 最低工钱折合每月 { $monthly } 元，低于本地区最低工资线 { $floor } 元/月，不能发布。请提高工钱。
opc-problem-pay-format = 没看懂工钱。请写数字，例如：3000-4500，或 150元/天
opc-problem-date = 没看懂日期。请这样写：2027-03-31
opc-problem-closes-in-past = 这个日期已经过了，请写今天或以后的日期。
opc-problem-number = 请写 1 到 { $max } 之间的数字，例如：5
opc-problem-no-course = 请至少选一门课程，再点“完成”。
opc-problem-too-many-courses = 最多选 { $max } 门课程。
