//! The word lists `random_pet` draws from: adverbs, adjectives and animal names, all lower-case
//! ASCII letters. Written for infra (common English words; not copied from any other pet-name
//! list), so the names differ from Terraform's but have the same shape ("ideal-mollusk",
//! "gladly-brave-otter").

#[rustfmt::skip]
pub(super) const ADVERBS: &[&str] = &[
    "ably", "actively", "amply", "aptly", "boldly", "brightly", "briskly", "busily", "calmly", "carefully",
    "cheerfully", "clearly", "cleverly", "closely", "comfortably", "correctly", "daily", "dearly", "deeply",
    "deftly", "directly", "eagerly", "easily", "evenly", "exactly", "fairly", "faithfully", "fast", "finely",
    "firmly", "fondly", "frankly", "freely", "freshly", "fully", "gently", "genuinely", "gladly",
    "gracefully", "gratefully", "happily", "hardly", "healthily", "heartily", "honestly", "hopefully",
    "humbly", "ideally", "instantly", "jointly", "jovially", "joyfully", "justly", "keenly", "kindly",
    "largely", "lightly", "likely", "lively", "loudly", "lovingly", "loyally", "luckily", "madly", "mainly",
    "merrily", "mildly", "mostly", "neatly", "nicely", "nimbly", "nobly", "notably", "openly", "partly",
    "patiently", "plainly", "pleasantly", "politely", "possibly", "presently", "primarily", "promptly",
    "properly", "proudly", "purely", "quickly", "quietly", "rapidly", "rarely", "readily", "really",
    "regularly", "richly", "rightly", "safely", "sharply", "simply", "sincerely", "slowly", "smoothly",
    "softly", "solely", "soundly", "steadily", "strongly", "sturdily", "subtly", "suddenly", "surely",
    "sweetly", "swiftly", "tenderly", "thankfully", "tidily", "truly", "usefully", "utterly", "vastly",
    "vividly", "warmly", "wholly", "widely", "wildly", "wisely", "yearly", "zestfully",
];

#[rustfmt::skip]
pub(super) const ADJECTIVES: &[&str] = &[
    "able", "active", "adapted", "adept", "agile", "alert", "amazing", "amber", "amused", "ample", "ancient",
    "apt", "arctic", "ardent", "artful", "awake", "aware", "balmy", "bashful", "bold", "brave", "breezy",
    "bright", "brilliant", "brisk", "bronze", "bubbly", "busy", "calm", "candid", "capable", "careful",
    "caring", "casual", "charming", "cheerful", "chief", "civil", "clean", "clear", "clever", "close",
    "cosmic", "cozy", "crafty", "crisp", "curious", "cute", "dapper", "daring", "dashing", "dear", "decent",
    "deep", "deft", "delicate", "dense", "direct", "distinct", "dizzy", "dreamy", "driven", "dynamic",
    "eager", "early", "earnest", "easy", "electric", "elegant", "eminent", "enabled", "endless", "epic",
    "equal", "ethical", "even", "exact", "exotic", "expert", "fair", "faithful", "famous", "fancy", "fast",
    "fearless", "festive", "fine", "firm", "fit", "fleet", "fluent", "flying", "fond", "frank", "free",
    "fresh", "friendly", "frosty", "funny", "fuzzy", "gallant", "generous", "gentle", "genuine", "giant",
    "gifted", "giving", "glad", "gleaming", "glowing", "golden", "good", "graceful", "grand", "grateful",
    "great", "growing", "handy", "happy", "hardy", "harmless", "hearty", "helpful", "heroic", "honest",
    "hopeful", "humble", "ideal", "immense", "infinite", "inspired", "intent", "jolly", "jovial", "joyful",
    "jumbo", "just", "keen", "kind", "known", "large", "lasting", "lavish", "leading", "legal", "level",
    "light", "likable", "limber", "literate", "lively", "living", "logical", "loved", "loving", "loyal",
    "lucid", "lucky", "lunar", "magical", "main", "major", "mellow", "merry", "mighty", "mint", "modern",
    "modest", "moral", "musical", "mutual", "natural", "neat", "nearby", "nice", "nimble", "noble", "normal",
    "novel", "open", "optimal", "organic", "patient", "peaceful", "perfect", "placid", "playful", "pleasant",
    "plucky", "polished", "polite", "popular", "positive", "precious", "premium", "pretty", "prime", "proper",
    "proud", "prudent", "pure", "quick", "quiet", "radiant", "rapid", "rare", "ready", "real", "regal",
    "relaxed", "relevant", "reliable", "resolved", "rich", "robust", "rosy", "royal", "rugged", "rustic",
    "safe", "sage", "savvy", "secure", "serene", "sharp", "shining", "shiny", "simple", "sincere", "skilled",
    "sleek", "smart", "smiling", "smooth", "snappy", "snug", "social", "solar", "solid", "sound", "sparkling",
    "special", "speedy", "spry", "stable", "steady", "stellar", "sterling", "still", "stirring", "strong",
    "sturdy", "suave", "sublime", "sunny", "super", "supreme", "sure", "sweet", "swift", "talented", "tender",
    "thankful", "thorough", "thriving", "tidy", "tough", "tranquil", "trusty", "ultimate", "unique", "united",
    "upbeat", "upright", "useful", "valid", "valued", "vast", "verified", "vital", "vivid", "warm", "welcome",
    "whole", "wild", "willing", "winning", "wise", "witty", "wondrous", "worthy", "young", "youthful", "zany",
    "zealous", "zesty",
];

#[rustfmt::skip]
pub(super) const NAMES: &[&str] = &[
    "aardvark", "albatross", "alpaca", "anchovy", "anemone", "ant", "antelope", "armadillo", "baboon",
    "badger", "barnacle", "barracuda", "bass", "bat", "beagle", "bear", "beaver", "bee", "beetle", "bison",
    "blackbird", "bluebird", "bluejay", "boar", "bobcat", "bonobo", "buffalo", "bull", "bullfrog",
    "bumblebee", "bunny", "butterfly", "buzzard", "camel", "canary", "capybara", "caribou", "carp", "cat",
    "caterpillar", "catfish", "cattle", "chameleon", "cheetah", "chicken", "chimp", "chinchilla", "chipmunk",
    "cicada", "clam", "cobra", "cockatoo", "cod", "collie", "condor", "coral", "cougar", "cow", "coyote",
    "crab", "crane", "crayfish", "cricket", "crow", "cub", "cuckoo", "dane", "deer", "dingo", "dodo", "dog",
    "dolphin", "donkey", "dormouse", "dove", "dragon", "dragonfly", "duck", "eagle", "eel", "egret",
    "elephant", "elk", "emu", "ermine", "falcon", "ferret", "finch", "firefly", "fish", "flamingo",
    "flounder", "fly", "foal", "fox", "frog", "gannet", "gar", "gazelle", "gecko", "gerbil", "gibbon",
    "giraffe", "gnat", "gnu", "goat", "goldfinch", "goldfish", "goose", "gopher", "gorilla", "grouse", "gull",
    "guppy", "haddock", "halibut", "hamster", "hare", "hawk", "hedgehog", "hen", "heron", "herring", "hippo",
    "hornet", "horse", "hound", "hummingbird", "husky", "hyena", "ibex", "ibis", "iguana", "impala", "jackal",
    "jaguar", "jay", "jellyfish", "kangaroo", "kestrel", "kid", "kingfisher", "kit", "kite", "kitten", "kiwi",
    "koala", "krill", "ladybug", "lamb", "lark", "lemming", "lemur", "leopard", "limpet", "lion", "lizard",
    "llama", "lobster", "locust", "loon", "lynx", "macaw", "mackerel", "magpie", "mako", "mallard", "mammoth",
    "manatee", "mandrill", "mantis", "marlin", "marmot", "marten", "meerkat", "mink", "minnow", "mite",
    "mole", "mollusk", "mongoose", "monkey", "moose", "mosquito", "moth", "mouse", "mule", "mussel",
    "narwhal", "newt", "nightingale", "ocelot", "octopus", "opossum", "orca", "oriole", "osprey", "ostrich",
    "otter", "owl", "ox", "oyster", "panda", "panther", "parrot", "partridge", "peacock", "pelican",
    "penguin", "perch", "pheasant", "pig", "pigeon", "pika", "pike", "piranha", "platypus", "pony", "poodle",
    "porcupine", "porpoise", "possum", "prawn", "puffin", "puma", "pup", "python", "quail", "rabbit",
    "raccoon", "ram", "rat", "raven", "reindeer", "rhino", "robin", "rooster", "salamander", "salmon",
    "sandpiper", "sardine", "scorpion", "seahorse", "seal", "shark", "sheep", "shrew", "shrimp", "skink",
    "skunk", "sloth", "slug", "snail", "snake", "snipe", "sparrow", "spider", "squid", "squirrel", "stallion",
    "starfish", "stingray", "stork", "sturgeon", "swallow", "swan", "swift", "tadpole", "tapir", "tarpon",
    "termite", "tern", "terrier", "thrush", "tiger", "toad", "tortoise", "toucan", "trout", "tuna", "turkey",
    "turtle", "urchin", "viper", "vole", "vulture", "wallaby", "walrus", "warbler", "wasp", "weasel", "whale",
    "whippet", "wildcat", "wolf", "wombat", "woodpecker", "worm", "wren", "yak", "zebra",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_lower_case_words_without_duplicates() {
        for list in [ADVERBS, ADJECTIVES, NAMES] {
            assert!(list.len() >= 100);
            let mut sorted = list.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), list.len(), "duplicates in a word list");
            assert!(list
                .iter()
                .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())));
        }
    }
}
