"""Turkish (Türkçe): Jira and Jira Service Management with a Turkish interface. Jira writes
dates with Turkish month abbreviations and ÖÖ/ÖS (``03/Oca/24 6:20 ÖS``).

>>> STATUSES["solved"].split("|")[:2]
['tamamlandı', 'çözüldü']
"""

CODE = "tr"
NAME = "Turkish"

HEADERS = {
    "ticket_id": "konu anahtarı|anahtar|talep no|kayıt no|bilet no",
    "created_at": "oluşturuldu|oluşturulma tarihi|oluşturma tarihi|açılış tarihi",
    "resolved_at": "çözüldü|çözüm tarihi|çözülme tarihi",
    "closed_at": "kapanış tarihi|kapatılma tarihi",
    "updated_at": "güncellendi|güncelleme tarihi|son güncelleme",
    "status": "durum",
    "priority": "öncelik",
    "channel": "kanal|kaynak",
    "category": "konu türü|talep türü|kategori|tür",
    "agent": "atanan|atanan kişi|sorumlu|temsilci",
    "group": "bileşenler|bileşen|ekip|takım|grup|kuyruk|departman",
    "level": "destek seviyesi|seviye",
    "customer": "raporlayan|talep eden|müşteri|şirket|kurum",
    "subject": "özet|konu|başlık",
    "description": "açıklama",
    "tags": "etiketler",  # not "etiket": too close to "ticket"
}

STATUSES = {
    "new": "yapılacak|yeni|açılacak",
    "open": "devam ediyor|sürüyor|işlemde|açık|yeniden açıldı|destek bekleniyor",
    "pending": "müşteri bekleniyor|müşteri yanıtı bekleniyor|beklemede",
    "on_hold": "askıda|engellendi|tedarikçi bekleniyor|onay bekleniyor",
    "solved": "tamamlandı|çözüldü|bitti|yapıldı",
    "closed": "kapalı|kapatıldı|iptal edildi|reddedildi",
}

PRIORITIES = {
    "urgent": "en yüksek|kritik|acil|engelleyici",
    "high": "yüksek",
    "normal": "orta|normal",
    "low": "düşük|en düşük",
}

CHANNELS = {
    "email": "e-posta|eposta",
    "web": "web formu|portal",
    "chat": "sohbet|canlı destek",
    "phone": "telefon",
}


#: Jira leaves the cell empty. "Atanmamış" is left out: its dotless ı matches no upper case
#: ("ATANMAMIŞ" reads "atanmamiş").
NOBODY = "kimse"

MONTHS = (
    "oca|ocak",
    "şub|şubat",
    "mart",
    "nis|nisan",
    "mayıs",
    "haz|haziran",
    "tem|temmuz",
    "ağu|ağustos",
    "eyl|eylül",
    "eki|ekim",
    "kas|kasım",
    "ara|aralık",
)
