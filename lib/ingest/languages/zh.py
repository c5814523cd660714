"""Chinese (中文, simplified): Jira and Jira Service Management with a Chinese interface.
Jira writes dates with Chinese month names and 上午/下午 (``10/十一月/24 9:56 下午``; newer
Java locale data ``10/11月/24``).

>>> STATUSES["pending"].split("|")[:2]
['等待客户', '等待客户响应']
"""

CODE = "zh"
NAME = "Chinese"

HEADERS = {
    "ticket_id": "问题关键字|事务密钥|问题键|工单号|工单编号|工单id",
    "created_at": "已创建|创建日期|创建时间|创建于",
    "resolved_at": "已解决|解决日期|解决时间",
    "closed_at": "关闭日期|关闭时间",
    "updated_at": "已更新|更新日期|更新时间|最后更新",
    "status": "状态",
    "priority": "优先级",
    "channel": "渠道|来源渠道",
    "category": "问题类型|事务类型|类别|分类|请求类型",
    "agent": "经办人|处理人|负责人|受理人",
    "group": "组|团队|模块|组件|处理组|队列|部门",
    "level": "支持级别|级别",
    "customer": "报告人|客户|公司|组织|提交人",
    "subject": "摘要|主题|标题",
    "description": "描述|详情",
    "tags": "标签",
}

STATUSES = {
    "new": "待办|新建|待处理|待分配",
    "open": "处理中|进行中|打开|重新打开|等待支持|已升级|调查中",
    "pending": "等待客户|等待客户响应|等待回复|待定",
    "on_hold": "挂起|暂停|阻塞|等待供应商|等待审批",
    "solved": "完成|已完成|已解决|解决|已修复",
    "closed": "已关闭|关闭|已取消|取消|已拒绝|重复",
}

PRIORITIES = {
    "urgent": "最高|紧急|阻塞级|致命",
    "high": "高|严重",
    "normal": "中|一般|普通",
    "low": "低|最低|轻微",
}

CHANNELS = {
    "email": "邮件|电子邮件",
    "web": "门户|网页|网站",
    "chat": "聊天|在线客服",
    "phone": "电话",
}

NOBODY = "未分配|无"

MONTHS = (
    "一月|1月|01月",
    "二月|2月|02月",
    "三月|3月|03月",
    "四月|4月|04月",
    "五月|5月|05月",
    "六月|6月|06月",
    "七月|7月|07月",
    "八月|8月|08月",
    "九月|9月|09月",
    "十月|10月",
    "十一月|11月",
    "十二月|12月",
)
