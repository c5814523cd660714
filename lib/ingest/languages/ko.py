"""Korean (한국어): Jira and Jira Service Management with a Korean interface. Jira writes dates
with numbered months and 오전/오후 (``05/3월/24 3:07 오후``).

>>> STATUSES["solved"].split("|")[:2]
['완료', '해결됨']
"""

CODE = "ko"
NAME = "Korean"

HEADERS = {
    "ticket_id": "이슈 키|키|티켓 번호|요청 번호",
    "created_at": "생성됨|생성일|생성 일자|작성일",
    "resolved_at": "해결됨|해결일|해결 일자",
    "closed_at": "종료일|닫힌 날짜",
    "updated_at": "업데이트됨|수정일|최종 수정일",
    "status": "상태",
    "priority": "우선순위",
    "channel": "채널|접수 경로",
    "category": "이슈 유형|업무 유형|유형|카테고리|요청 유형",
    "agent": "담당자|처리자",
    "group": "구성 요소|컴포넌트|팀|그룹|대기열|부서",
    "level": "지원 수준|레벨",
    "customer": "보고자|요청자|고객|회사|조직",
    "subject": "요약|제목",
    "description": "설명",
    "tags": "레이블|태그",
}

STATUSES = {
    "new": "해야 할 일|새로 만들기|신규",
    "open": "에스컬레이션됨|진행 중|처리 중|열림|다시 열림|지원 대기 중",
    "pending": "고객 대기 중|고객 응답 대기",
    "on_hold": "보류|보류 중|차단됨",
    "solved": "완료|해결됨",
    "closed": "닫힘|종료|취소됨|거부됨",
}

PRIORITIES = {
    "urgent": "가장 높음|긴급|치명적",
    "high": "높음",
    "normal": "중간|보통",
    "low": "낮음|가장 낮음",
}

CHANNELS = {
    "email": "이메일",
    "web": "포털|웹 양식",
    "chat": "채팅",
    "phone": "전화",
}

NOBODY = "할당되지 않음|미지정"

MONTHS = tuple(f"{n}월|{n:02d}월" for n in range(1, 13))
