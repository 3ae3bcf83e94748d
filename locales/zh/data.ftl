## 我的数据（/mydata）：我们保存的关于您的全部信息

cmd-mydata = 我的数据：查看、下载我们保存的您的信息
settings-mydata = 📄 我的数据
mydata-datetime = { $year }年{ $date } { $time }
mydata-title = 📄 我们保存的您的信息（截至 { $when }）
mydata-name = 姓名：{ $name }
mydata-phone = 手机号：{ $phone }
mydata-no-phone = 手机号：未留
mydata-region = 所在地：{ $region }
mydata-audience = 身份：{ $audience }　语言：{ $language }
mydata-staff = 身份：工作人员（未选择参加培训）　语言：{ $language }
mydata-consent = 同意登记：{ $when }
mydata-household = 家庭人口：{ $size } 人
mydata-roles = 角色：{ $roles }
mydata-paused = 消息暂停到：{ $when }
mydata-surveys-stopped = 回访问卷：已停止接收
mydata-no-orders = 报名：还没有
mydata-orders = 报名 { $count } 份：
mydata-order-line = • { $number } { $course }：{ $status }
mydata-orders-more = • …还有 { $count } 份（见文件）
mydata-attendance = 考勤：到课 { $present } 次，缺勤 { $absent } 次，请假 { $excused } 次
mydata-quiz = 测验：做了 { $count } 次，最好成绩 { $correct }/{ $total }
mydata-certificates = 结业证书 { $count } 张：{ $codes }
mydata-credits = 学分：{ $years }
mydata-credits-year = { $year }年 { $credits } 分
mydata-surveys = 问卷：回答了 { $count } 份，共 { $answers } 题
mydata-requests = 我想学（点单）：{ $count } 条
mydata-queued = 还没发给您的消息：{ $count } 条（最早一条 { $when }）
mydata-files = { $csv ->
        [yes] 完整内容在下面两个文件里：JSON 文件（全部信息）和问卷回答表（可用 Excel 或 WPS 打开）。
       *[no] 完整内容在下面的 JSON 文件里。
    }
mydata-json-caption = 您的全部信息（JSON 格式，时间为 UTC）
mydata-csv-caption = 您的问卷回答
mydata-separator = 、
