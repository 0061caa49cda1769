"""Nicknames and short forms of given names → the formal name(s) they stand for.

One line per formal name: ``formal: nick nick …`` (folded, lower-case). A nickname listed under several
formal names (``chris``: christopher, christina, christine) is *ambiguous*: it is kept as written by
:func:`canonical_first_name` and only :func:`nickname_compatible` treats it as matching any of them.
"""

from __future__ import annotations

_TABLE = """
abigail: abby abbie gail
abraham: abe bram
alan: al
albert: al bert bertie
alexander: alex alec alek sandy sasha xander lex alejandro
alexandra: alex alexa lexi sandra sasha sandy ali
alfred: al alf alfie
allison: ally allie
andrew: andy drew andre
angela: angie
anthony: tony ant
antonio: tono tonio toni
arthur: art artie
barbara: barb barbie babs
benjamin: ben benny benji
bernard: bernie
beverly: bev
bradley: brad
brian: bri
calvin: cal
cameron: cam
caroline: carrie carol lina
catherine: cathy cat kate katie kathy
charles: charlie chuck chas chaz
charlotte: charlie lottie lotte
christina: chris tina christy kristy
christine: chris chrissy tina
christopher: chris kit topher cris
clifford: cliff
cynthia: cindy
daniel: dan danny dani
david: dave davey
deborah: deb debbie debby
dennis: denny
donald: don donny
dorothy: dot dottie dolly
douglas: doug
edward: ed eddie ted teddy ned
elizabeth: liz lizzie beth betty betsy eliza libby lisa elisa elsa lizzy bess
emily: em emmy
eugene: gene
frances: fran frankie
francis: frank
francesco: franco cesco
francisco: paco pancho cisco fran
frederick: fred freddie freddy fritz
gabriel: gabe
gerald: gerry jerry
gregory: greg
harold: hal harry
henry: hank harry hal
herbert: herb bert
howard: howie
ignacio: nacho
isabel: izzy bella isa
jacob: jake
james: jim jimmy jamie jimbo
jeffrey: jeff geoff
jennifer: jen jenny jenn
jessica: jess jessie
john: jack johnny jon
jonathan: jon jonny
joseph: joe joey jo jos
josephine: jo josie
jose: pepe chema
joshua: josh
judith: judy
katherine: kate katie kathy kat kay kitty katy
kathleen: kath
kenneth: ken kenny
kimberly: kim
lawrence: larry laurie
leonard: leo len lenny
leslie: les
louis: lou
margaret: maggie meg peggy marge margie greta maisie
matthew: matt matty
maximilian: max maxi
melissa: mel missy
michael: mike mikey mick micky mickey mikhail misha
michelle: shelly
mitchell: mitch
nathan: nate nat
nathaniel: nate nat
nicholas: nick nicky nico
nicole: nicky nikki
oliver: ollie
pamela: pam
patricia: pat patty trish tricia
patrick: pat paddy
peter: pete
philip: phil
raymond: ray
rebecca: becky becca
richard: rick ricky dick rich richie
robert: bob bobby rob robbie bert
ronald: ron ronnie
russell: russ
samantha: sam sammy
samuel: sam sammy
sandra: sandy
stanley: stan
stephanie: steph steffi
stephen: steve stevie
susan: sue susie suzy
theodore: ted teddy theo
thomas: tom tommy thom
timothy: tim timmy
valerie: val
victoria: vicky tori
vincent: vince vinny
walter: walt wally
william: bill billy will willie liam
zachary: zach zack
guillermo: memo
enrique: quique kike
dolores: lola
concepcion: concha conchi
rafael: rafa
javier: javi
alberto: beto
roberto: beto
jesus: chuy
guadalupe: lupe
manuel: manolo manu
emmanuel: manu
sebastian: seb basti
johannes: hans jo
josef: sepp jupp
ulrich: uli
katharina: kathi katja
wolfgang: wolf
giuseppe: beppe peppe
luigi: gigi
dmitry: dima
nikolai: kolya
vladimir: vova volodya
ekaterina: katya katia
"""


# spelling variants of one formal name → the spelling used as canonical
SPELLINGS: dict[str, str] = {
    "catherine": "katherine",
    "katharine": "katherine",
    "kathryn": "katherine",
    "katharina": "katherine",
    "geoffrey": "jeffrey",
    "steven": "stephen",
    "stefanie": "stephanie",
    "sebastien": "sebastian",
    "nicolas": "nicholas",
    "friedrich": "frederick",
    "frederic": "frederick",
    "philipp": "philip",
    "phillip": "philip",
    "mikhail": "michael",
    "micheal": "michael",
}


def _build() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for line in _TABLE.strip().splitlines():
        formal, _, nicks = line.partition(":")
        formal = SPELLINGS.get(formal.strip(), formal.strip())
        for nick in nicks.split():
            if nick != formal and formal not in out.setdefault(nick, []):
                out[nick].append(formal)
    return {k: tuple(v) for k, v in out.items()}


NICKNAMES: dict[str, tuple[str, ...]] = _build()
"""nickname → the formal names it can stand for (one for most, several when ambiguous)."""


def canonical_first_name(first: str) -> str:
    """``"bob"`` → ``"robert"``, ``"bill"`` → ``"william"``; ambiguous or unknown names are returned as-is."""
    formal = NICKNAMES.get(first)
    if formal is not None and len(formal) == 1:
        return formal[0]
    return SPELLINGS.get(first, first)


def nickname_compatible(a: str, b: str) -> bool:
    """True when two (folded) first names can be the same person's: equal, or one a nickname of the other,
    or both nicknames of one formal name (``"bob"`` / ``"rob"``)."""
    a, b = SPELLINGS.get(a, a), SPELLINGS.get(b, b)
    if a == b:
        return True
    fa, fb = NICKNAMES.get(a, ()), NICKNAMES.get(b, ())
    return b in fa or a in fb or bool(set(fa) & set(fb))
