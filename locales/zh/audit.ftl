## 审计日志（/audit）：谁在什么时候处理了谁的数据，供管理员和协调员查看

audit-title = 🗒 审计日志：最近 { $count } 条{ $region }
audit-title-region = （您负责的地区）
audit-none = 暂时没有您可以查看的审计记录。
audit-line = { $time } · { $actor } · { $action } · { $scope }{ $detail }
audit-actor-user = { $name }（{ $id }）
audit-actor-cli = 管理员（命令行）
audit-actor-system = 系统（定时任务）
audit-action-export = 导出
audit-action-role-grant = 授予角色
audit-action-role-removal = 撤销角色
audit-action-invite = 生成邀请链接
audit-action-hand-mark = 手工登记考勤
audit-action-erasure = 删除个人数据
audit-action-admin-command = 管理命令
audit-action-catalog-import = 导入课程目录
audit-action-retention = 数据保留期清理
audit-csv-file = 审计日志
audit-csv-caption = 同样的记录，表格版（共 { $count } 行，时间为 UTC）。
audit-csv-id = 序号
audit-csv-at = 时间（UTC）
audit-csv-actor = 操作人
audit-csv-action = 操作
audit-csv-region = 地区
audit-csv-scope = 对象
audit-csv-detail = 详情
