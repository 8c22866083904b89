"""What people read for the audit log's codes: actions, the kinds of rows acted on and the detail keys."""

AUDIT_ACTIONS = {
    "admin_password_reset": "重置管理员密码", "admin_user_created": "新建管理员账号", "admin_user_changed": "修改管理员账号",
    "appeal_decided": "答复申诉", "appeal_filed": "提交申诉", "applicant_registered": "职工注册",
    "application_approved": "审核通过", "application_created": "创建申请", "application_refused": "拒绝申请",
    "application_resubmitted": "修改后重新提交", "application_returned": "驳回申请", "application_withdrawn": "撤回申请",
    "bank_card_changed": "修改银行卡号", "bulk_approve_started": "批量审核通过", "document_rotated": "旋转材料图片",
    "document_uploaded": "上传材料", "document_verification_failed": "材料自动核验失败",
    "document_verification_requeued": "重新核验材料", "export": "导出名单", "export_unmasked": "导出名单（不脱敏）",
    "funding_allocated": "分配配套补助", "invitation_created": "生成入网邀请", "invitation_reissued": "重新生成邀请链接",
    "invitation_revoked": "作废入网邀请", "login": "登录", "login_failed": "登录失败", "login_locked": "登录被锁定",
    "logout": "退出登录", "notice_published": "发布公示", "notice_withdrawn": "撤回公示", "objection_filed": "提出公示异议",
    "org_approved": "同意单位入网", "org_enabled": "启用单位", "org_moved": "调整上级单位", "org_registered": "单位申请入网",
    "org_rejected": "驳回单位入网", "password_changed": "修改密码", "payment_batch_created": "创建发放批次",
    "payment_batch_cancelled": "作废发放批次", "payment_file_exported": "导出银行发放文件",
    "payment_results_imported": "导入银行发放结果", "quota_slot_promoted": "候补递补名额", "quota_slot_reclaimed": "重新占用名额",
    "quota_slot_released": "释放名额", "returned_slot_expired": "驳回逾期释放名额", "roster_imported": "导入预报名名单",
    "transfer_approved": "同意迁移", "transfer_completed": "迁移完成", "transfer_rejected": "驳回迁移",
    "transfer_requested": "申请迁移", "programme_created": "新建补助项目", "programme_changed": "修改补助项目",
    "batch_created": "新建申报批次", "batch_changed": "修改申报批次", "fundingline_created": "新建配套补助",
    "fundingline_changed": "修改配套补助", "rosterbatch_created": "新建预报名批次", "rosterbatch_changed": "修改预报名批次",
    "permission_granted": "授予权限", "permission_revoked": "收回权限", "personal_data_viewed": "查看完整个人信息",
    "applicant_login_failed": "职工登录失败", "applicant_login_locked": "职工登录被锁定",
}

ACTOR_TYPES = {"admin": "管理员", "applicant": "职工", "system": "系统", "public": "公众"}

TARGET_TYPES = {
    "Application": "申请", "Applicant": "职工", "Document": "材料", "AdminUser": "管理员账号", "Organisation": "单位",
    "Invitation": "入网邀请", "Appeal": "申诉", "Transfer": "迁移", "PublicNotice": "公示", "PaymentBatch": "发放批次",
    "Programme": "补助项目", "Batch": "申报批次", "FundingLine": "配套补助", "RosterBatch": "预报名批次",
    "ReviewJob": "批量审核",
}

DETAIL_KEYS = {
    "admin": "管理员", "amount": "金额", "application_id": "申请编号", "applications": "申请", "count": "人数",
    "days": "天数", "due": "期限", "error": "原因", "file": "文件", "final": "终审", "format": "格式",
    "freed_by": "释放自", "from_org_id": "迁出单位编号", "from_parent_id": "原上级单位编号", "funding_line": "配套补助",
    "invitation_id": "邀请编号", "items": "驳回项目", "level": "审核单位编号", "list": "名单", "new_last4": "新卡后四位",
    "notice_id": "公示编号", "ok": "成功行数", "old_last4": "原卡后四位", "parent_id": "上级单位编号", "promoted": "递补",
    "rank": "名额序号", "reason": "原因", "role": "角色", "rotation": "旋转角度", "rows": "行数", "sides": "同意方",
    "to_org_id": "迁入单位编号", "to_parent_id": "新上级单位编号", "unmasked": "不脱敏", "upheld": "申诉成立",
    "via": "途径", "kind": "材料类型", "sha256": "文件指纹", "size": "大小（字节）", "replaced": "替换的材料",
    "waitlist": "候补序号", "username": "用户名", "ip": "IP 地址", "flags": "核验提示", "total": "总数",
    "permission": "权限", "label": "权限名称", "path": "页面",
    "created": "新增", "updated": "更新", "unchanged": "无变化", "bad_rows": "错误行数",
}


def audit_action(code: str | None) -> str:
    return AUDIT_ACTIONS.get(code or "", code or "")

# Code values that appear inside audit details (export list names, channels).
DETAIL_VALUES = {
    "applications": "申请列表", "review_queue": "审核队列", "paid": "已发放名单", "appeals": "申诉列表",
    "transfers": "迁入迁出列表", "roster": "预报名名单", "documents": "申请材料", "audit": "操作日志",
    "admin_users": "管理员账号", "orgs": "组织机构", "console": "管理后台", "api": "接口", "portal": "职工网页",
    "csv": "CSV", "xlsx": "Excel", "programmes": "补助项目", "batches": "申报批次", "funding_lines": "配套补助",
    "roster_batches": "预报名批次", "invitations": "入网邀请", "suborgs": "下级单位", "union_summary": "各工会发放汇总", "from": "迁出方", "to": "迁入方",
    "unmask": "可查看完整信息", "manage_accounts": "可管理账号", "publish_notice": "可发布公示",
    "create_payment_batch": "可创建发放批次", "cli": "命令行", "seed-demo": "演示数据", "migration": "升级迁移",
    "role_or_org_changed": "角色或单位变更", "card_changed": "银行卡号变更", "roster_changed": "名单姓名更正",
    "notifications": "通知记录", "sms": "短信", "email": "邮件", "log": "站内",
}
