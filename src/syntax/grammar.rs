//! The pest binding, and the words of each rule in messages.

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/imp.pest"]
pub struct ImpParser;

/// The words of a rule in messages. Exhaustive on purpose: a new rule does not compile until
/// it has a human name.
pub fn rule_name(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "the end of the line",
        Rule::ws | Rule::blanks => "a space",
        Rule::comment => "a comment",
        Rule::gap | Rule::lgap | Rule::cgap => "the end of the line",
        Rule::item | Rule::strict_top | Rule::strict_block => "a declaration",
        Rule::node | Rule::entry => "a property or declaration",
        Rule::entry_end | Rule::semi => "the end of the line",
        Rule::error | Rule::error_part | Rule::balanced => "a property or declaration",
        Rule::key | Rule::key_start | Rule::key_char => "a key word",
        Rule::non_ascii => "a letter",
        Rule::block => "`{`",
        Rule::strict_entry => "an entry",
        Rule::when_clause | Rule::kw_when | Rule::when_word => "`when`",
        Rule::arg
        | Rule::atom
        | Rule::atom_start
        | Rule::atom_char
        | Rule::list_item
        | Rule::string
        | Rule::quoted
        | Rule::quote_atom
        | Rule::other_quoted
        | Rule::quote_open
        | Rule::text_block
        | Rule::placeholder => "a value",
        Rule::arrow => "`->`",
        Rule::list => "a list `[..]`",
        Rule::comma => "`,`",
        Rule::condition | Rule::cond_unary | Rule::cond_simple | Rule::cond_word => "a condition",
        Rule::cond_op => "`and` or `or`",
        Rule::op_and => "`and`",
        Rule::op_or => "`or`",
        Rule::op_not => "`not`",
        Rule::kw_in => "`in`",
        Rule::paren => "`(`",
        Rule::cmp_op => "a comparison operator (`>=`, `>`, `<=`, `<`, `==`, `!=`)",
    }
}
