"""Word lists for entity discovery: roles, business nouns, given names, places, suffixes.

General vocabulary of English news about companies and governments, not names from
any article set: extend a list when a new kind of cue shows up, never for one story.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that introduce or follow a person's name ("CEO Jane Doe", "Jane Doe, a professor").
ROLE_WORDS = _words(
    """ceo cto cfo coo cso cio chief executive executives officer president vice-president
    chairman chairwoman chair chairperson founder co-founder cofounder founders director
    head manager minister secretary senator sen rep representative congressman
    congresswoman governor gov mayor commissioner chancellor premier ambassador
    spokesperson spokesman spokeswoman professor prof researcher researchers scientist
    scientists engineer engineers analyst analysts economist lawyer attorney judge justice
    author writer journalist editor reporter investor partner lead leader principal fellow
    adviser advisor advisers candidate candidates nominee lawmaker lawmakers regulator
    dr mr mrs ms sir dame lord lady king queen prince pope general colonel officer
    student students designer developer developers programmer artist actor actress
    musician singer comedian creator entrepreneur billionaire astronomer physicist
    chemist biologist doctor surgeon nurse economist historian philosopher
    member official strategist consultant activist advocate expert scholar lecturer
    counsel composer novelist poet photographer filmmaker songwriter producer ethicist
    deputy envoy diplomat legislator technologist capitalist inventor pioneer trustee
    who""".replace("\n", " ")
)
# Role words that stand as titles right before a name; a run of capitalised words is split
# there ("Cloudera CEO Mike Olson" is Cloudera and Mike Olson).
TITLE_WORDS = _words(
    """ceo cto cfo coo cso cio chief executive president vice-president chairman chairwoman
    chair founder co-founder cofounder director minister secretary senator sen rep governor
    gov mayor commissioner chancellor premier ambassador spokesperson spokesman spokeswoman
    professor prof dr mr mrs ms sir dame manager engineer analyst researcher scientist
    head candidate nominee vice officer representative congressman congresswoman attorney
    judge justice prince princess king queen sheikh emir composer novelist author artist
    photographer filmmaker actor actress singer comedian lawyer deputy""".replace("\n", " ")
)
SPEECH_VERBS = _words(
    """said says told tells wrote writes added adds explained explains noted notes argued
    argues warned warns asked asks according stated states claimed claims believes
    thinks recalled recalls insisted insists acknowledged admitted""".replace("\n", " ")
)
# Words around a company's name ("the startup Odiago", "Cloudera, a developer of ...").
BUSINESS_NOUNS = _words(
    """startup start-up company firm maker makers manufacturer retailer retailers
    provider developer vendor supplier distributor subsidiary rival rivals competitor
    competitors giant conglomerate lender bank insurer publisher broadcaster operator
    carrier platform brokerage fund investor investors backer backers
    acquirer chipmaker automaker carmaker""".replace("\n", " ")
)
# The word right after or before a name that shows a company ("X said", "from X") or a
# product ("the X app", "using X").
COMPANY_NEXT = _words(
    """said says has had is was announced announces launched launches sells sold offers
    offered makes made raised raises acquired acquires employs declined declines agreed
    agrees reported reports plans planned lists carries ceo cto founder founders spokesperson
    spokesman spokeswoman inc corp ltd executives employees shares stock investors"""
)
COMPANY_PREVIOUS = _words("from by at with firm company startup rival retailer maker")
PRODUCT_NEXT = _words(
    """app apps software platform browser model models chatbot device devices phone phones
    chip chips service assistant engine tool tools feature features update version
    edition card cards headset laptop console system api"""
)
PRODUCT_PREVIOUS = _words("using use uses install installed download downloaded via")
# Model and device tiers: "Gemini Flash", "iPhone 15 Pro Max", "Galaxy Z Fold 7".
MODEL_TIERS = _words("Plus Pro Max Ultra Mini Lite Turbo Flash Nano Air Fold Flip Edge")
# Nouns that name a product right after them: "the app Signal", "its model, GenCast".
PRODUCT_NOUNS = _words(
    "app model chatbot assistant copilot agent browser repository platform chip accelerator"
)
ORG_SUFFIXES = _words(
    """Inc Inc. Corp Corp. Corporation Ltd Ltd. LLC LLP PLC plc GmbH AG SA NV Co. Labs
    AI Technologies Technology Systems Holdings Group Capital Ventures Partners Robotics
    Semiconductor Semiconductors Networks Software Computing Analytics Therapeutics
    Bank Studios Games Motors Airlines Pharmaceuticals Electronics Energy
    Telecom Communications Entertainment Interactive Industries Investments
    Management Securities Financial Insurance Solutions Dynamics Aerospace Electric
    Enterprises"""
)
# Organisations outside the six entity types (rule E4): universities, unions, NGOs, venues.
EXCLUDED_ORG_WORDS = _words(
    """university universities college school academy institute observatory hospital
    museum foundation association union guild society church council's club league
    prize award awards festival conference summit street avenue road park square
    bridge island river lake mountain airport station stadium hall center centre
    laboratory""".replace("\n", " ")
)
# Words joined to a name that make a compound, not a longer name ("Meta-backed", "Okafor-style").
COMPOUND_TAILS = _words(
    """style based backed led owned funded made powered era like free focused sized linked
    related specific born level wide scale class grade friendly first only native ready
    compatible enabled driven centric run operated designed branded built"""
)
# Head words of government bodies ("Federal Trade Commission", "Ministry of Commerce").
REGULATOR_HEADS = (
    "Ministry",
    "Department",
    "Commission",
    "Authority",
    "Agency",
    "Office",
    "Committee",
    "Bureau",
    "Administration",
    "Parliament",
    "Assembly",
    "Legislature",
    "Senate",
    "Tribunal",
    "Regulator",
    "Inspectorate",
    "Directorate",
    "Commissioner",
    "Council",
    "Force",
    "Presidency",
    "Secretariat",
    r"Government(?=[ \t]+of\b)",  # "the Government of Singapore", not "the UK Government"
)
LAW_HEADS = (
    "Act",
    "Bill",
    "Directive",
    "Regulation",
    "Treaty",
    "Convention",
    "Declaration",
    "Accord",
    "Agreement",
    "Law",
    "Ordinance",
    "Executive Order",
    "Rule",
    "Guidelines",
    "Strategy",
    "Action Plan",
    "Basic Plan",
)
# Capitalised words that are not names, wherever they stand.
COMMON_CAPITALISED = _words(
    """a an the this that these those it its he she they we you i his her their our my
    and or but if when while after before since because although though however
    meanwhile still also then now today yesterday tomorrow later earlier instead
    monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun
    january february march
    april may june july august september october november december mr mrs ms dr
    here there what which who why how where all some many most more no not yes
    in on at by for from to of with about as into over under between
    new former first last next one two three four five ten
    according despite unlike like both either neither several other others another
    every each any much such so just only even
    photo image video watch read more share subscribe advertisement related
    breaking update updated exclusive opinion analysis internet web
    ai""".replace("\n", " ")
)
# Acronyms of everyday vocabulary, never an organisation or product by themselves.
ACRONYM_STOP = _words(
    """US USA UK EU UN AI AGI ML NLP LLM LLMS API APIS CEO CEOS CTO CFO COO IPO GPU GPUS CPU
    CPUS TV PC PCS HD UI UX SMS PDF DVD USB RAM SSD LED LCD OS IT HR PR VR AR XR GDP VC VCS
    PHD MBA FAQ URL HTML CSS JS SDK SAAS DIY NBA NFL COVID HIV DNA RNA CO2 GOP ET PT EST GMT
    AM PM OK ID IQ RSS SEO ESG EV EVS IOT 5G 4G LTE NFC GPS HQ OEM Q1 Q2 Q3 Q4 FY YOY JR SR
    II III IV VI TL DR TLDR AKA ETA FYI ASAP NYC LA DC SF TBA TBD CEO'S ROI KPI B2B B2C
    GPGPU SOC SOCS MSRP USD EUR GBP RMB CNY JPY BTC NDA GM AP CAGR ARPU LTV CAC EBITDA"""
)
# First words of "<word> <number>" that make a date, a rank or a clause, not a product.
VERSION_STOP = _words(
    """January February March April May June July August September October November
    December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mon Tue Wed Thu Fri Sat Sun
    Fortune Covid COVID Section Article
    Chapter Title Part Phase Level Stage Step Room Route Page Figure Table Day Week Year
    Top No Number Q FY Series Round Class Type Category Tier Grade Vol Volume Issue
    Episode Season Rule Item Point Gate Pier Line Floor Suite Interstate Highway
    Terminal Flight Act Bill Proposition Prop Amendment Question Exhibit Appendix
    Apache GPL GPLv LGPL AGPL CC
    The A In On At By For From To Of And Since Until After Before About Over Under"""
)
PERSON_PARTICLES = _words("de del della der den di da du van von la le al bin ibn st")
DEMONYMS = _words(
    """American Americans British Chinese Japanese Korean Indian French German Italian
    Spanish Canadian Australian Russian Ukrainian European Asian African Israeli Iranian
    Saudi Emirati Taiwanese Brazilian Mexican Dutch Swedish Norwegian Danish Finnish Irish
    Scottish Welsh English Polish Swiss Austrian Belgian Turkish Greek Egyptian Nigerian
    Kenyan Singaporean Malaysian Indonesian Vietnamese Thai Filipino Pakistani Democratic
    Republican Democrat Democrats Republicans Western Eastern Northern Southern Muslim
    Christian Jewish Catholic Native Latino Black White Arab Arabic Hispanic"""
)
PLACES = _words(
    """America Africa Asia Europe Australia Antarctica China Japan Korea India France
    Germany Italy Spain Canada Mexico Brazil Russia Ukraine Israel Iran Iraq Syria Turkey
    Egypt Nigeria Kenya Singapore Malaysia Indonesia Vietnam Thailand Philippines Pakistan
    Taiwan Britain England Scotland Wales Ireland Netherlands Belgium Switzerland Austria
    Sweden Norway Denmark Finland Poland Greece Portugal Argentina Chile Colombia Peru
    Emirates UAE Qatar Saudi Arabia Dubai Abu Dhabi Hong Kong Macau Beijing Shanghai
    Shenzhen Guangzhou Hangzhou Tokyo Osaka Seoul Delhi Mumbai Bangalore Bengaluru London
    Paris Berlin Munich Rome Madrid Brussels Amsterdam Dublin Stockholm Zurich Geneva Vienna
    Moscow Kyiv Washington York California Texas Florida Illinois Massachusetts Colorado
    Virginia Michigan Ohio Georgia Arizona Nevada Oregon Utah Tennessee Louisiana
    Mississippi Wisconsin Minnesota Pennsylvania Jersey Carolina Connecticut Maryland
    Missouri Kentucky Alabama Indiana Iowa Kansas Nebraska Oklahoma Arkansas Idaho Montana
    Wyoming Dakota Alaska Hawaii Maine Vermont Hampshire Delaware Island Islands Francisco
    Angeles Diego Jose Seattle Boston Chicago Atlanta Austin Denver Miami Dallas Houston
    Philadelphia Detroit Portland Phoenix Brooklyn Manhattan Bronx Queens Oakland
    Cupertino Redmond Mountain Palo Alto Menlo Sunnyvale Silicon Valley Bay Area Toronto
    Vancouver Montreal Ottawa Sydney Melbourne Auckland Lagos Nairobi Cairo Riyadh
    Jerusalem Tel Aviv Tehran Istanbul Ankara Bangkok Jakarta Manila Hanoi Taipei
    Guizhou Guangdong Sichuan Xinjiang Tibet Hsinchu Kyoto Cambridge Oxford Westminster
    Copenhagen Oslo Helsinki Warsaw Prague Budapest Lisbon Athens Milan Barcelona Frankfurt
    Hamburg Edinburgh Lyon Marseille Brisbane Perth Johannesburg Accra Doha Kuwait Bahrain
    Beirut Karachi Lahore Dhaka Bangladesh Lanka Colombo Nepal Hyderabad Chennai Kolkata
    Pune Kuala Lumpur Wuhan Chengdu Nanjing Tianjin Busan Incheon Yokohama Nagoya Bogota
    Caracas Quito Pittsburgh Baltimore Nashville Sacramento Tucson Albuquerque
    Cleveland Cincinnati Indianapolis Milwaukee Minneapolis
    Europe's Earth Moon Mars Milky Way Pacific Atlantic Arctic Mediterranean Gulf Sound
    County State States Kingdom Republic United Union North South East West Central
    Northwest Northeast
    Southwest Southeast Midwest""".replace("\n", " ")
)
# Common given names across the languages of international tech news: a capitalised pair
# that starts with one is very likely a person.
GIVEN_NAMES = _words(
    """Aaron Abby Abdul Abhishek Abigail Adam Adrian Adriana Ahmed Aidan Aisha Ajay Akira
    Alan Albert Alberto Alejandro Alex Alexander Alexandra Alexandre Alexis Alfred Ali Alice
    Alicia Alison Allison Alyssa Amanda Amber Amelia Amir Amit Amy Ana Anand Anders Andre
    Andrea Andreas Andrew Andy Angela Angelina Anil Anita Ann Anna Anne Annie Anthony Anton
    Antonio Anya Arjun Arthur Arun Ashley Ashok Audrey Austin Ava Avi Barack Barbara Barry
    Ben Benjamin Bernard Beth Betty Bill Billy Bob Bobby Boris Brad Bradley Brandon Brendan
    Brent Brett Brian Bruce Bruno Bryan Caitlin Calvin Cameron Carl Carla Carlos Carmen
    Carol Caroline Carolyn Casey Catherine Cathy Cecilia Charles Charlie Charlotte Chen
    Cheryl Chris Christian Christina Christine Christophe Christopher Chuck Cindy Claire
    Clara Clark Claudia Clement Colin Connor Craig Cristina Curtis Cynthia Daisy Dale Dan
    Dana Daniel Daniela Danielle Danny Dario Darren Dave David Dawn Dean Deborah Debra Denis
    Dennis Derek Diana Diane Dina Dmitry Dominic Don Donald Donna Doug Douglas Drew Dustin
    Dylan Ed Eddie Edgar Eduardo Edward Edwin Elena Eli Elijah Elizabeth Ella Ellen Elliot
    Elon Emil Emily Emma Emmanuel Eric Erica Erik Erin Ethan Eugene Eva Evan Eve Fabian
    Faisal Fatima Fei Felix Fernando Fiona Florian Frances Francesca Francesco Francis
    Francisco Frank Franz Fred Frederick Gabriel Gabriela Gary Gavin Gene Geoffrey George
    Georgia Gerald Gerard Gina Giovanni Giulia Glenn Gordon Grace Graham Grant Greg Gregory
    Guillaume Gustavo Hal Hannah Hans Harold Harry Hassan Heather Hector Heidi Helen Henry
    Hilary Hillary Hiroshi Holly Howard Hugo Hussein Ian Igor Ilya Irene Isaac Isabel
    Isabella Ivan Jack Jackie Jacob Jacqueline Jade Jake James Jamie Jan Jane Janet Jared
    Jason Javier Jay Jean Jeff Jeffrey Jen Jennifer Jenny Jeremy Jerome Jerry Jesse Jessica
    Jill Jim Jimmy Joan Joanna Joe Joel Johann Johannes John Johnny Jon Jonathan Jordan
    Jorge Jose Joseph Josh Joshua Joy Juan Judith Judy Julia Julian Julie Julien Justin
    Kai Kamala Karen Karl Kate Katherine Kathleen Kathryn Kathy Katie Katrin Kay Keith
    Kelly Ken Kenji Kenneth Kenny Kevin Kim Kimberly Kirk Klaus Kristen Kristin Kumar Kyle
    Larry Laura Lauren Laurent Lawrence Lee Leo Leon Leonard Leslie Liam Lily Lin Linda
    Lisa Liz Logan Lois Lorenzo Louis Louise Luca Lucas Lucy Luis Luke Lynn Magnus Maria
    Mariana Marie Marina Mario Marissa Mark Marc Marco Marcus Margaret Maria Marie Marina
    Mark Marta Martha Martin Mary Masayoshi Mathieu Matt Matthew Maura Max Maxim Maya Megan
    Mei Melanie Melissa Meredith Mia Michael Michel Michelle Miguel Mike Mikhail Min Ming
    Miranda Mitch Mohamed Mohammed Molly Monica Morgan Muhammad Mustafa Nadia Nancy Naomi
    Natalie Natasha Nathan Neil Nick Nicholas Nicola Nicolas Nicole Nikhil Nina Noah Noam
    Nora Olga Oliver Olivia Omar Oscar Owen Pablo Pamela Pascal Pat Patricia Patrick Paul
    Paula Pedro Peng Peter Phil Philip Philippe Pierre Pieter Priya Rachel Rafael Rahul
    Raj Rajesh Ralph Ramesh Randy Raphael Ravi Ray Raymond Rebecca Reed Reid Richard Rick
    Ricky Rita Rob Robert Roberto Robin Rodrigo Roger Rohit Roman Ron Ronald Rosa Ross Roy
    Ruby Rachel Russell Ruth Ryan Sabrina Sadiq Sally Sam Samantha Samuel Sandra Sanjay
    Sara Sarah Sasha Satya Scott Sean Sebastian Sergei Sergey Seth Shane Shannon Sharon
    Shawn Sheryl Shirley Simon Sofia Sophia Sophie Stacy Stefan Stefano Stephanie Stephen
    Steve Steven Stuart Sundar Susan Suzanne Sven Takashi Tamara Tanya Tara Ted Teresa
    Terry Theo Theresa Thierry Thomas Tim Timothy Tina Toby Todd Tom Tommy Toni Tony Tracy
    Travis Trevor Troy Tyler Ursula Valerie Vanessa Victor Victoria Vijay Vikram Vincent
    Virginia Vivek Vladimir Walter Wang Wayne Wei Wendy Will William Willie Xavier Yann
    Yoshua Yuki Yusuf Zach Zachary Zoe""".replace("\n", " ")
)
# News outlets: the publisher and its peers are never the story's actors (rule E4).
OUTLETS = frozenset(
    {
        "VentureBeat",
        "Verge",
        "Times",  # "the Times", a newspaper's short name
        "The Verge",
        "TechCrunch",
        "Wired",
        "Reuters",
        "Bloomberg",
        "Axios",
        "Engadget",
        "Gizmodo",
        "Mashable",
        "ZDNet",
        "CNET",
        "Ars Technica",
        "Business Insider",
        "Insider",
        "Fortune",
        "Forbes",
        "CNBC",
        "CNN",
        "BBC",
        "NPR",
        "Politico",
        "Semafor",
        "The Information",
        "Financial Times",
        "Wall Street Journal",
        "Washington Post",
        "New York Times",
        "Guardian",
        "The Guardian",
        "Economist",
        "The Economist",
        "MIT Technology Review",
        "Technology Review",
        "AdobeStock",
        "Getty Images",
        "Shutterstock",
        "Associated Press",
        "Vox Media",
        "Vox",
        "Protocol",
        "The Register",
        "Tom's Hardware",
        "PCMag",
        "Digital Trends",
        "9to5Mac",
        "MacRumors",
        "Ubergizmo",
        "Crunchbase",
    }
)
# Universities named by one word (rule E4: outside the six types).
UNIVERSITIES = _words(
    """MIT Harvard Stanford Oxford Cambridge Berkeley Yale Princeton Caltech UCLA CMU ETH EPFL
    Columbia Cornell NYU UCL Imperial Tsinghua Peking"""
)
# Titles that belong to an organisation right before them ("Cloudera CEO", "founder of X").
ORG_TITLES = _words(
    """ceo cto cfo coo cso cio founder co-founder cofounder founders chairman chairwoman
    president spokesperson spokesman spokeswoman executives"""
)
# CamelCase words of ordinary vocabulary, not brands.
CAMEL_WORDS = frozenset(
    """VoIP PhD PhDs WiFi eBook eBooks YouTuber YouTubers GenAI DevOps MLOps LLMOps FinOps MoE
    FinTech EdTech MedTech HealthTech AdTech DeepTech eCommerce""".split()
)
