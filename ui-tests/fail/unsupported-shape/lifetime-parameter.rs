use reactive_model::Model;

#[derive(Model, Clone, PartialEq, Debug)]
struct Label<'a> {
    text: &'a str,
}

fn main() {}
