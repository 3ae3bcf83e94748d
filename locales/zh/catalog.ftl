# 课程目录：类别、授课方式、费用、学分、师资类别

category-crops-livestock = 特色种养
category-rural-tourism = 乡村旅游
category-housekeeping-eldercare = 家政养老
category-ecommerce-livestream = 电商直播
category-trades = 技能工种（电工、焊工）
category-cooking = 烹饪
category-policy = 政策法规
category-policy-interpretation = 政策解读
category-industry-planning = 产业规划
category-project-management = 项目管理
category-public-work = 群众工作方法
category-case-studies = 典型案例分析

mode-classroom = 集中授课
mode-field = 现场教学
mode-village = 送教下乡
mode-online = 线上课程

course-cost-free = 免费（政府买单）
course-cost-yuan = { $yuan } 元
course-credits = { $credits } 学分

trainer-kind-expert = 高校专家
trainer-kind-industry = 行业能手
trainer-kind-local = 土专家田秀才
