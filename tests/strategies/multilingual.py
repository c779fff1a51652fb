"""Short strategy texts in the six UN languages, written for these tests (test data, not
translations of any real document): a heading, a paragraph on judicial cooperation and
terrorist financing, and one on victims, each paragraph long enough to be told apart."""

TEXTS = {
    "en": [
        "National Strategy against Terrorism",
        "The Government will strengthen judicial cooperation with neighbouring States in order "
        "to prosecute the perpetrators of terrorist acts and to dismantle the networks that "
        "finance terrorism across the region.",
        "Victims of terrorism and their families receive psychological, legal and financial "
        "support throughout the criminal proceedings, and their associations are consulted.",
    ],
    "fr": [
        "Stratégie nationale de lutte contre le terrorisme",
        "Le Gouvernement renforcera la coopération judiciaire avec les États voisins afin de "
        "poursuivre les auteurs d'actes terroristes et de démanteler les réseaux qui financent "
        "le terrorisme dans toute la région.",
        "Les victimes du terrorisme et leurs familles bénéficient d'un accompagnement "
        "psychologique, juridique et financier pendant toute la procédure pénale, et leurs "
        "associations sont consultées.",
    ],
    "es": [
        "Estrategia Nacional contra el Terrorismo",
        "El Gobierno reforzará la cooperación judicial con los Estados vecinos para enjuiciar "
        "a los autores de actos terroristas y desmantelar las redes que financian el "
        "terrorismo en toda la región.",
        "Las víctimas del terrorismo y sus familias reciben apoyo psicológico, jurídico y "
        "económico durante todo el proceso penal, y se consulta a sus asociaciones.",
    ],
    "ru": [
        "Национальная стратегия противодействия терроризму",
        "Правительство укрепит судебное сотрудничество с соседними государствами, чтобы "
        "преследовать лиц, совершивших террористические акты, и ликвидировать сети "
        "финансирования терроризма во всем регионе.",
        "Жертвы терроризма и их семьи получают психологическую, юридическую и финансовую "
        "помощь на протяжении всего уголовного процесса, а с их объединениями проводятся "
        "консультации.",
    ],
    "ar": [
        "الاستراتيجية الوطنية لمكافحة الإرهاب",
        "ستعزز الحكومة التعاون القضائي مع الدول المجاورة من أجل ملاحقة مرتكبي الأعمال "
        "الإرهابية وتفكيك الشبكات التي تمول الإرهاب في المنطقة كلها.",
        # With diacritics (tashkil) on some words, as some official texts are written.
        "يَحْصُلُ ضحايا الإرهابِ وأسرُهم على دعم نفسي وقانوني ومالي طوال مدة الإجراءات "
        "الجنائية، وتُستشار جمعياتُهم.",
    ],
    "zh-hans": [
        "国家反恐怖主义战略",
        "政府将加强与邻国的司法合作,追究恐怖主义行为实施者的责任,并摧毁整个区域内为恐怖主义提供资金的网络。",
        "恐怖主义受害者及其家属在整个刑事诉讼期间获得心理、法律和经济援助,其协会也会得到咨询。",
    ],
}

# Per language: a query in another form than the text's (plural for singular, another case,
# with or without diacritics), the paragraph it must find, and the word marked in it.
INFLECTED = {
    "en": ("victim", 2, "Victims"),
    "fr": ("victime", 2, "victimes"),
    "es": ("víctima", 2, "víctimas"),
    "ru": ("жертвам", 2, "Жертвы"),
    "ar": ("ضحايا الارهاب", 2, "ضحايا"),  # no hamza, no kasra: the text has الإرهابِ
    "zh-hans": ("受害者", 2, "受害者"),
}
# The exact form in the text: what SQLite's simpler match finds too.
EXACT = {
    "en": ("prosecute", 1),
    "fr": ("démanteler", 1),
    "es": ("enjuiciar", 1),
    "ru": ("ликвидировать", 1),
    "ar": ("القضائي", 1),
    "zh-hans": ("司法合作", 1),
}


def document(language: str) -> bytes:
    """The texts of `language` as a plain-text document, one paragraph per block."""
    return "\n\n".join(TEXTS[language]).encode()


def bilingual() -> bytes:
    """A French strategy with an English annex."""
    annex = ["Annex: summary in English"] + TEXTS["en"][1:]
    return "\n\n".join(TEXTS["fr"] + annex).encode()
