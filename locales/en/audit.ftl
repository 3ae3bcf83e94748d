## Audit log (/audit): who did what to whose data, for admins and coordinators

audit-title = 🗒 Audit log: the latest { $count } entries{ $region }
audit-title-region = { " " }(your regions)
audit-none = The audit log has no entries you may see yet.
audit-line = { $time } · { $actor } · { $action } · { $scope }{ $detail }
audit-actor-user = { $name } ({ $id })
audit-actor-cli = operator (command line)
audit-actor-system = the bot (scheduled)
audit-action-export = export
audit-action-role-grant = role granted
audit-action-role-removal = role removed
audit-action-invite = invite link made
audit-action-hand-mark = attendance marked by hand
audit-action-erasure = data erased
audit-action-admin-command = admin command
audit-action-catalog-import = catalogue import
audit-action-retention = retention run
audit-csv-file = audit
audit-csv-caption = The same entries as a spreadsheet ({ $count } rows, times in UTC).
audit-csv-id = No.
audit-csv-at = Time (UTC)
audit-csv-actor = Who
audit-csv-action = What
audit-csv-region = Region
audit-csv-scope = About
audit-csv-detail = Detail
