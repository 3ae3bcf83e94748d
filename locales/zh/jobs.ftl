## Jobs after training (培训合格后推荐就业): shared lines

job-line-referred = 💼 推荐就业：{ $name }（{ $village }）想去“{ $employer }”，已同意把姓名、村、电话和证书交给用工方。
btn-job-referrals = 📋 推荐名单

job-intent-near_home = 🏠 在家附近找活干
job-intent-migrant = 🚌 愿意外出打工
job-intent-own_business = 🌱 自己创业/搞产业
job-intent-not_looking = 暂时不找工作

job-status-referred = 已推荐
job-status-interviewed = 已面试
job-status-hired = 已录用
job-status-not_hired = 未录用
job-status-withdrew = 本人不去了

job-pay-month = { $amount } 元/月
job-pay-day = { $amount } 元/天
job-card-title = 💼 { $employer }
job-card-work = 干什么：{ $work }
job-card-place = 在哪里：{ $place }
job-card-pay = 工钱：{ $pay }
job-card-dates = 时间：{ $starts } 开始，{ $closes } 截止报名
job-card-closes = 截止报名：{ $closes }
job-card-starts-long-term = 时间：{ $starts } 开始，长期招
job-card-long-term = 时间：长期招
job-card-seats = 招 { $seats } 人，还差 { $left } 人
job-card-travel = 🚌 提供路费或接送
job-card-courses = 要求：有“{ $courses }”培训结业证书
job-list-separator = ”或“
