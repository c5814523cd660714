"""Japanese (日本語): Jira and Jira Service Management with a Japanese interface. Jira writes
dates with numbered months and 午前/午後 (``12/6月/24 3:29 午後``).

>>> STATUSES["pending"].split("|")[:2]
['顧客待ち', 'お客様の回答待ち']
"""

CODE = "ja"
NAME = "Japanese"

HEADERS = {
    "ticket_id": "課題キー|作業項目キー|キー|チケット番号|チケットid|問い合わせ番号",
    "created_at": "作成日|作成日時|登録日|登録日時|起票日",
    "resolved_at": "解決日|解決日時",
    "closed_at": "クローズ日|完了日|終了日",
    "updated_at": "更新日|更新日時|最終更新日",
    "status": "ステータス|状態",
    "priority": "優先度|優先順位",
    "channel": "チャネル|チャネル種別|受付経路|経路",
    "category": "課題タイプ|作業タイプ|カテゴリ|カテゴリー|種別|リクエストタイプ",
    "agent": "担当者|対応者|アサイン先",
    "group": "グループ|チーム|コンポーネント|担当グループ|部署|キュー",
    "level": "サポートレベル|レベル|対応レベル",
    "customer": "報告者|依頼者|顧客|会社|組織|起票者",
    "subject": "要約|件名|タイトル|概要",
    "description": "説明|内容|詳細",
    "tags": "ラベル|タグ",
}

STATUSES = {
    "new": "未着手|新規|オープン前|トリアージ待ち",
    "open": "進行中|対応中|作業中|オープン|再オープン|サポート待ち|エスカレーション済み"
    "|エスカレーション|調査中",
    "pending": "顧客待ち|お客様の回答待ち|顧客の返答待ち|回答待ち|お客様待ち|保留中",
    "on_hold": "保留|ベンダー待ち|承認待ち|ブロック",
    "solved": "完了|解決済み|解決|対応済み|修正済み",
    "closed": "クローズ|クローズ済み|クローズ済|キャンセル|却下|重複|終了",
}

PRIORITIES = {
    "urgent": "最高|緊急|ブロッカー|致命的",
    "high": "高|重大",
    "normal": "中|普通|通常",
    "low": "低|最低|軽微",
}

CHANNELS = {
    "email": "メール|電子メール",
    "web": "ポータル|ウェブフォーム|ウェブ",
    "chat": "チャット",
    "phone": "電話",
}

NOBODY = "未割り当て|なし"

MONTHS = tuple(f"{n}月|{n:02d}月" for n in range(1, 13))
