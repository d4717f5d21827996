"""Name pools of the synthetic bank, by naming culture.

Real banks hold names from many cultures, and screening and entity resolution must cope with them; a bank
of only Anglo names would hide that. Each culture carries the nationality its immigrants get and the
remittance corridor they use. Pools are small but combine into tens of thousands of distinct full names.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Culture:
    """One naming culture: first names by sex, surnames, and where its immigrants come from."""

    key: str
    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]
    country: str  # ISO alpha-2 of the immigrants' nationality and remittance corridor
    weight: float  # share of the population carrying this culture's names
    immigrant_share: float  # share of its members born abroad (nationality = country, remit home)


CULTURES: tuple[Culture, ...] = (
    Culture(
        "anglo",
        ("Emily", "Sarah", "Jessica", "Ashley", "Megan", "Hannah", "Lauren", "Rachel", "Amanda", "Olivia",
         "Emma", "Abigail", "Madison", "Chloe", "Grace", "Katherine", "Elizabeth", "Natalie", "Brooke", "Taylor"),
        ("James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas", "Daniel",
         "Matthew", "Andrew", "Joshua", "Ryan", "Tyler", "Brandon", "Kevin", "Justin", "Eric", "Scott"),
        ("Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
         "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark", "Lewis", "Walker",
         "Hall", "Allen", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson"),
        "US", 0.38, 0.0,
    ),
    Culture(
        "hispanic",
        ("María", "Guadalupe", "Juana", "Rosa", "Ana", "Lucía", "Carmen", "Sofía", "Valeria", "Daniela",
         "Gabriela", "Alejandra", "Fernanda", "Paola", "Ximena", "Yesenia", "Marisol", "Leticia", "Adriana"),
        ("José", "Juan", "Luis", "Carlos", "Jesús", "Miguel", "Francisco", "Jorge", "Alejandro", "Pedro",
         "Ricardo", "Javier", "Fernando", "Eduardo", "Rafael", "Andrés", "Héctor", "Raúl", "Óscar", "Sergio"),
        ("García", "Rodríguez", "Martínez", "Hernández", "López", "González", "Pérez", "Sánchez", "Ramírez",
         "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Reyes", "Morales", "Cruz", "Ortiz", "Gutiérrez",
         "Chávez", "Ramos", "Ruiz", "Mendoza", "Vásquez", "Castillo", "Jiménez", "Moreno", "Romero"),
        "MX", 0.2, 0.35,
    ),
    Culture(
        "central_american",
        ("Wendy", "Karla", "Iris", "Dunia", "Glenda", "Xiomara", "Keila", "Heidy", "Sandra", "Reina"),
        ("Wilmer", "Elmer", "Nelson", "Edwin", "Selvin", "Santos", "Mario", "Marvin", "Oscar", "Walter"),
        ("Hernández", "López", "Pérez", "Ramos", "Aguilar", "Maldonado", "Mejía", "Orellana", "Escobar",
         "Portillo", "Alvarado", "Castro", "Cruz", "Zelaya", "Girón", "Ajú", "Coc", "Xol"),
        "GT", 0.04, 0.6,
    ),
    Culture(
        "chinese",
        ("Li Na", "Wang Fang", "Zhang Min", "Liu Yan", "Chen Jing", "Yang Xiu", "Mei", "Xiaoling", "Hui",
         "Ying", "Lan", "Jia", "Qing", "Yun"),
        ("Wei", "Jun", "Lei", "Jian", "Hao", "Ming", "Qiang", "Tao", "Bo", "Cheng", "Gang", "Peng", "Yong"),
        ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma",
         "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo"),
        "CN", 0.05, 0.5,
    ),
    Culture(
        "vietnamese",
        ("Lan", "Hoa", "Mai", "Thu", "Linh", "Ngoc", "Trang", "Huong", "Thao", "Anh", "Phuong", "Hanh"),
        ("Minh", "Tuan", "Hung", "Duc", "Quang", "Thanh", "Long", "Huy", "Nam", "Khoa", "Bao", "Phuc"),
        ("Nguyen", "Tran", "Le", "Pham", "Hoang", "Huynh", "Phan", "Vu", "Vo", "Dang", "Bui", "Do", "Ngo"),
        "VN", 0.03, 0.5,
    ),
    Culture(
        "korean",
        ("Ji-woo", "Seo-yeon", "Min-ji", "Soo-jin", "Hye-jin", "Eun-ji", "Ji-hye", "Yoon-hee", "Da-eun"),
        ("Min-jun", "Seo-jun", "Ji-hoon", "Hyun-woo", "Dong-hyun", "Sung-min", "Jae-won", "Young-ho"),
        ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Oh", "Seo"),
        "KR", 0.02, 0.4,
    ),
    Culture(
        "indian",
        ("Priya", "Anjali", "Pooja", "Neha", "Kavya", "Divya", "Sneha", "Lakshmi", "Meera", "Aishwarya"),
        ("Rahul", "Amit", "Rajesh", "Suresh", "Vikram", "Arjun", "Sanjay", "Anil", "Ravi", "Karthik", "Deepak"),
        ("Patel", "Sharma", "Singh", "Kumar", "Gupta", "Reddy", "Rao", "Iyer", "Nair", "Shah", "Mehta",
         "Joshi", "Desai", "Chopra", "Verma"),
        "IN", 0.05, 0.55,
    ),
    Culture(
        "filipino",
        ("Maricel", "Jocelyn", "Rowena", "Lorna", "Mary Grace", "Cristina", "Analyn", "Rhea", "Jennylyn"),
        ("Jomar", "Rodel", "Arnel", "Ronaldo", "Mark Anthony", "Reynaldo", "Jericho", "Ramil", "Noel"),
        ("Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Garcia", "Mendoza", "Dela Cruz", "Villanueva",
         "Aquino", "Castillo", "Manalo", "Pascual", "Dizon"),
        "PH", 0.04, 0.55,
    ),
    Culture(
        "nigerian",
        ("Chioma", "Ngozi", "Adaeze", "Funmilayo", "Oluwaseun", "Aisha", "Blessing", "Temitope", "Ifeoma"),
        ("Chinedu", "Emeka", "Oluwadamilare", "Tunde", "Ibrahim", "Obinna", "Segun", "Ikechukwu", "Yusuf"),
        ("Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Nwosu", "Ogunleye", "Abubakar", "Chukwu",
         "Adebayo", "Olawale", "Uche"),
        "NG", 0.03, 0.5,
    ),
    Culture(
        "arabic",
        ("Fatima", "Layla", "Mariam", "Noor", "Yasmin", "Huda", "Rania", "Salma", "Amira", "Zainab"),
        ("Mohammed", "Ahmed", "Omar", "Ali", "Hassan", "Khalid", "Youssef", "Tariq", "Karim", "Samir"),
        ("Haddad", "Khoury", "Mansour", "Nasser", "Saleh", "Hamdan", "Abdullah", "Farah", "Qureshi",
         "Al-Amin", "Darwish"),
        "LB", 0.03, 0.45,
    ),
    Culture(
        "east_european",
        ("Olena", "Natalia", "Irina", "Svetlana", "Oksana", "Anastasia", "Ioana", "Elena", "Katarzyna"),
        ("Oleksandr", "Dmitri", "Sergei", "Andriy", "Ivan", "Mihai", "Piotr", "Vasile", "Nikolai"),
        ("Kovalenko", "Shevchenko", "Ivanov", "Popescu", "Nowak", "Petrov", "Bondarenko", "Ionescu",
         "Kowalski", "Melnyk", "Volkov", "Stan"),
        "UA", 0.04, 0.5,
    ),
    Culture(
        "thai",
        ("Siriporn", "Kanya", "Nattaya", "Pimchanok", "Somsri", "Wanida", "Ratana", "Malee", "Ploy"),
        ("Somchai", "Anan", "Prasert", "Niran", "Chaiwat", "Kittisak", "Surachai", "Thanawat"),
        ("Saetang", "Srisuk", "Wongsawat", "Chaiyaphum", "Boonmee", "Kaewkong", "Rattanakorn", "Phrommin"),
        "TH", 0.02, 0.6,
    ),
    Culture(
        "haitian",
        ("Marie", "Nadège", "Fabienne", "Guerline", "Roseline", "Widline", "Mirlande", "Esther"),
        ("Jean", "Pierre", "Wilson", "Frantz", "Jacques", "Wesley", "Emmanuel", "Reginald", "Junior"),
        ("Joseph", "Jean-Baptiste", "Pierre", "Louis", "Charles", "Desir", "Exantus", "Celestin", "Dorvil"),
        "HT", 0.03, 0.5,
    ),
)

STREETS: tuple[str, ...] = (
    "Main St", "Oak Ave", "Maple St", "Cedar Ln", "Pine St", "Elm St", "Washington Ave", "Lake Dr",
    "Hillside Rd", "Park Ave", "Sunset Blvd", "River Rd", "Highland Ave", "Lincoln St", "Jefferson Ave",
    "Church St", "Spring St", "Center St", "Walnut St", "Mill Rd", "Franklin Ave", "Chestnut St",
    "Broadway", "Market St", "Madison Ave", "Bay St", "Harbor Blvd", "College Ave", "Meadow Ln", "Ridge Rd",
)

EMAIL_DOMAINS: tuple[str, ...] = (
    "gmail.com", "gmail.com", "gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "aol.com",
    "proton.me",
)
