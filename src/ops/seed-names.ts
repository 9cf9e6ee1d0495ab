/**
 * Realistic, varied user names for synthetic data: the shapes people pick on community sites
 * (`maria_gonzalez`, `SilentFox92`, `kitsune-art`, `Jürgen.Weiß`), never `user_<n>`.
 */

const FIRST_NAMES = `james mary robert patricia john jennifer michael linda david elizabeth william barbara richard susan
joseph jessica thomas sarah charles karen daniel lisa matthew nancy anthony sandra mark ashley steven emily
paul donna andrew michelle joshua carol kevin amanda brian melissa george deborah timothy stephanie ryan rebecca
jacob laura gary sharon nicholas cynthia eric kathleen jonathan amy larry angela justin shirley scott anna
hiroshi yuki haruto sakura ren hina sota yui kenji aiko minh linh wei mei jun li hyun jisoo arjun priya
rahul ananya omar fatima ali layla yusuf amina mateo sofia santiago valentina lucas camila diego lucia
pierre camille louis chloe hugo lea lukas emma felix mia jan anna piotr zofia ivan olga dmitri elena
lars ingrid sven astrid mikko aino noah olivia liam ava oliver isla finn freya kai nora leo luna`.split(/\s+/);

const LAST_NAMES = `smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez
wilson anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez lewis
robinson walker young allen king wright scott torres nguyen hill flores green adams nelson baker hall rivera
campbell mitchell carter roberts tanaka suzuki takahashi watanabe ito yamamoto nakamura kobayashi kim park
choi chen wang zhang liu yang huang singh kumar patel shah khan ahmed silva santos oliveira costa rossi
ferrari russo bianchi muller schmidt schneider fischer weber meyer dubois moreau laurent novak kowalski
nowak ivanov petrov smirnov jensen nielsen hansen larsen johansson virtanen murphy kelly byrne walsh`.split(/\s+/);

const ADJECTIVES = `silent dark bright crimson azure golden silver lazy happy grumpy sleepy wild gentle brave clever
quiet loud swift frozen burning hidden lost lucky lonely cosmic electric mystic ancient tiny giant fuzzy
shiny rusty misty stormy sunny lunar solar velvet neon pixel retro chill cozy salty spicy sweet bitter
wandering dreaming dancing flying fallen rising broken secret strange curious feral noble humble proud`.split(/\s+/);

const NOUNS = `fox wolf cat dragon raven tiger panda otter owl falcon phoenix bear lion shark whale kitten
puppy bunny hamster ferret lynx badger moth beetle spider serpent kraken griffin unicorn golem knight
wizard ninja samurai pirate ranger bard rogue monk paladin archer hunter pilot sailor painter sketcher
doodler artist writer reader gamer coder hacker dreamer drifter wanderer ghost shadow spirit storm
thunder blaze frost ember ash cloud river ocean forest meadow garden mountain valley comet nebula star
moon sun planet galaxy pixel byte glitch echo cipher vortex prism crystal feather petal blossom leaf`.split(/\s+/);

const FANDOM_WORDS = `kitsune neko usagi tanuki sakura hikari yoru kage tsuki hoshi sora kumo yuki ame kaze
mochi dango onigiri ramen taiyaki senpai kohai chibi kawaii moe waifu shonen shoujo mecha kaiju
manga anime doujin otaku artbook sketchbook lineart inking shading palette canvas brush`.split(/\s+/);

// A few names outside ASCII, as real communities have them.
const UNICODE_NAMES = `Jürgen Weiß Zoë Renée José Ñandú Łukasz Øystein Ærin Çelik Dvořák Müller Fañch
さくら ゆき はると 桜 雪 龍 星 Мирон Алиса Дмитрий Ελένη Νίκος 민준 서연 小明 美玲`.split(/\s+/);

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/** A small fast seeded generator (mulberry32): the same seed gives the same data. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const capitalize = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);
const digits = (random: Random): string => {
  const roll = random();
  if (roll < 0.4) return String(Math.floor(random() * 100));
  if (roll < 0.7) return String(1970 + Math.floor(random() * 40));
  return String(Math.floor(random() * 10_000));
};

type Shape = (random: Random) => string;

const SHAPES: readonly [number, Shape][] = [
  [18, (r) => `${pick(r, FIRST_NAMES)}_${pick(r, LAST_NAMES)}`],
  [8, (r) => `${capitalize(pick(r, FIRST_NAMES))}${capitalize(pick(r, LAST_NAMES))}`],
  [6, (r) => `${pick(r, FIRST_NAMES)}.${pick(r, LAST_NAMES)}`],
  [10, (r) => `${pick(r, FIRST_NAMES)}${digits(r)}`],
  [16, (r) => `${pick(r, ADJECTIVES)}_${pick(r, NOUNS)}`],
  [12, (r) => `${capitalize(pick(r, ADJECTIVES))}${capitalize(pick(r, NOUNS))}${digits(r)}`],
  [8, (r) => `${pick(r, FANDOM_WORDS)}_${pick(r, NOUNS)}`],
  [6, (r) => `${pick(r, FANDOM_WORDS)}-${pick(r, FANDOM_WORDS)}`],
  [6, (r) => `${pick(r, NOUNS)}${digits(r)}`],
  [5, (r) => `xX_${capitalize(pick(r, ADJECTIVES))}${capitalize(pick(r, NOUNS))}_Xx`],
  [3, (r) => `${pick(r, UNICODE_NAMES)}_${pick(r, NOUNS)}`],
  [2, (r) => `${pick(r, UNICODE_NAMES)}${pick(r, UNICODE_NAMES)}`],
];
const TOTAL_WEIGHT = SHAPES.reduce((sum, [weight]) => sum + weight, 0);

/** One candidate name (not necessarily unique). */
export function randomName(random: Random): string {
  let roll = random() * TOTAL_WEIGHT;
  for (const [weight, shape] of SHAPES) {
    roll -= weight;
    if (roll < 0) return shape(random);
  }
  return (SHAPES[0] as [number, Shape])[1](random);
}

/** A display name such as "Maria Gonzalez". */
export function randomDisplayName(random: Random): string {
  return `${capitalize(pick(random, FIRST_NAMES))} ${capitalize(pick(random, LAST_NAMES))}`;
}

/** Hands out names unique ignoring case, adding a number when a candidate is taken. */
export class UniqueNames {
  private readonly taken: Set<string>;

  constructor(taken: Iterable<string> = []) {
    this.taken = new Set(taken);
  }

  next(random: Random): string {
    let name = randomName(random);
    for (let attempt = 0; this.taken.has(name.toLowerCase()); attempt++) {
      name = `${name.replace(/_[0-9]+$/, '')}_${Math.floor(random() * 10 ** (2 + Math.min(attempt, 6)))}`;
    }
    this.taken.add(name.toLowerCase());
    return name;
  }
}
