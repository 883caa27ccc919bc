//! A top-down operator precedence (Pratt) parser for JSONata 2.0.6. It follows the
//! reference's grammar decision for decision, including where the next token is read as an
//! operand (so `/` starts a regular expression) and the order in which errors surface, so
//! that it accepts exactly what the reference accepts.

use std::ops::Range;

use super::ast::{Ast, Kind, Node, NodeId};
use super::error::{Code, Error};
use super::lexer::{Lexer, Op, Token, TokenKind};
use super::{signature, MAX_DEPTH};

/// Binding power of an operator token on its left.
fn binding_power(op: Op) -> u32 {
    match op {
        Op::LBracket | Op::LParen | Op::At | Op::Hash => 80,
        Op::Dot => 75,
        Op::LBrace => 70,
        Op::Star | Op::Slash | Op::Percent => 60,
        Op::Plus | Op::Minus | Op::Ampersand => 50,
        Op::Equal
        | Op::Less
        | Op::Greater
        | Op::NotEqual
        | Op::LessEqual
        | Op::GreaterEqual
        | Op::Caret
        | Op::Chain
        | Op::In => 40,
        Op::And => 30,
        Op::Or => 25,
        Op::Question => 20,
        Op::Assign => 10,
        _ => 0,
    }
}

pub(super) fn parse(src: &str) -> Result<Ast, Error> {
    let mut parser = Parser {
        src,
        lexer: Lexer::new(src),
        current: None,
        previous: 0..0,
        nodes: Vec::new(),
        nesting: 0,
    };
    parser.advance(None, false)?;
    let root = parser.expression(0)?;
    if let Some(token) = &parser.current {
        return Err(parser.unexpected_after_expression(token));
    }
    Ok(Ast {
        nodes: parser.nodes,
        root,
    })
}

struct Parser<'s> {
    src: &'s str,
    lexer: Lexer<'s>,
    /// The token under consideration; `None` at the end.
    current: Option<Token>,
    /// The token before it.
    previous: Range<usize>,
    nodes: Vec<Node>,
    /// Nested `expression` calls.
    nesting: usize,
}

/// How a token reads in a message.
fn describe(token: Option<&Token>, src: &str) -> String {
    match token {
        None => "the end of the expression".to_string(),
        Some(t) => format!("'{}'", &src[t.span.clone()]),
    }
}

impl Parser<'_> {
    fn current_op(&self) -> Option<Op> {
        match &self.current {
            Some(Token {
                kind: TokenKind::Op(op),
                ..
            }) => Some(*op),
            _ => None,
        }
    }

    fn is(&self, op: Op) -> bool {
        self.current_op() == Some(op)
    }

    /// Where the current token is; at the end, the last character of the expression.
    fn current_span(&self) -> Range<usize> {
        match &self.current {
            Some(t) => t.span.clone(),
            None => self.end_span(),
        }
    }

    fn end_span(&self) -> Range<usize> {
        let end = self
            .src
            .trim_end_matches([' ', '\t', '\n', '\r', '\x0b'])
            .len();
        match self.src[..end].chars().next_back() {
            Some(c) => end - c.len_utf8()..end,
            None => 0..0,
        }
    }

    /// Checks that the current token is `expected` (when given), then reads the next one.
    /// `infix` says the next token follows an operand, so `/` divides; elsewhere a `/`
    /// begins a regular expression. The reference passes it exactly where this parser does.
    fn advance(&mut self, expected: Option<(Op, &str)>, infix: bool) -> Result<(), Error> {
        if let Some((op, purpose)) = expected {
            if !self.is(op) {
                let found = describe(self.current.as_ref(), self.src);
                return Err(match self.current {
                    None => Error::new(
                        Code::S0203,
                        self.src.len()..self.src.len(),
                        format!(
                            "expected '{}'{}, but the expression ends",
                            op.text(),
                            spaced(purpose)
                        ),
                    ),
                    Some(_) => Error::new(
                        Code::S0202,
                        self.current_span(),
                        format!("expected '{}'{}, found {found}", op.text(), spaced(purpose)),
                    ),
                });
            }
        }
        if let Some(t) = &self.current {
            self.previous = t.span.clone();
        }
        self.current = self.lexer.next(!infix)?;
        if let Some(Token {
            kind: TokenKind::Op(op @ (Op::Bang | Op::Tilde)),
            span,
        }) = &self.current
        {
            let help = if *op == Op::Bang {
                "for negation write $not(…); for inequality write '!='"
            } else {
                "the chain operator is '~>'"
            };
            return Err(Error::new(
                Code::S0204,
                span.clone(),
                format!("'{}' is not a JSONata operator", op.text()),
            )
            .help(help));
        }
        Ok(())
    }

    fn push(
        &mut self,
        kind: Kind,
        span: Range<usize>,
        token: Range<usize>,
    ) -> Result<NodeId, Error> {
        let id = NodeId::try_from(self.nodes.len()).map_err(|_| too_deep(token.clone()))?;
        self.nodes.push(Node {
            kind,
            span,
            token,
            keep_array: false,
        });
        Ok(id)
    }

    fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    fn span(&self, id: NodeId) -> Range<usize> {
        self.node(id).span.clone()
    }

    /// `expression(rbp)`: an operand, then every operator that binds tighter than `rbp`.
    fn expression(&mut self, rbp: u32) -> Result<NodeId, Error> {
        self.nesting += 1;
        if self.nesting > MAX_DEPTH {
            return Err(too_deep(self.current_span()));
        }
        let token = self.current.take();
        let before = self.previous.clone();
        if let Some(t) = &token {
            self.previous = t.span.clone();
        }
        self.advance(None, true)?;
        let mut left = self.nud(token, before)?;
        while let Some(op) = self.current_op().filter(|&op| rbp < binding_power(op)) {
            let token = self.current_span();
            self.advance(None, false)?;
            left = self.led(op, token, left)?;
        }
        self.nesting -= 1;
        Ok(left)
    }

    /// The operand starting with `token` (already consumed). Kept small, like every function
    /// on the recursive path, so that deep nesting costs little stack.
    fn nud(&mut self, token: Option<Token>, before: Range<usize>) -> Result<NodeId, Error> {
        let Some(token) = token else {
            return self.missing(before);
        };
        match token.kind {
            TokenKind::Op(Op::LParen) => self.block(token.span),
            TokenKind::Op(Op::LBracket) => self.array(token.span),
            TokenKind::Op(Op::LBrace) => self.object(None, token.span),
            TokenKind::Op(Op::Pipe) => self.transform(token.span),
            TokenKind::Op(Op::Minus) => self.negate(token.span),
            _ => self.leaf(token),
        }
    }

    /// The end where an operand is needed: an error once the whole text is parsed (S0207),
    /// unless parsing fails first. Reported at the token before the end.
    #[inline(never)]
    fn missing(&mut self, before: Range<usize>) -> Result<NodeId, Error> {
        let at = if before.is_empty() {
            self.end_span()
        } else {
            before
        };
        let end = self.src.len();
        self.push(Kind::Missing, end..end, at)
    }

    #[inline(never)]
    fn negate(&mut self, minus: Range<usize>) -> Result<NodeId, Error> {
        let operand = self.expression(70)?;
        let whole = minus.start..self.span(operand).end;
        self.push(Kind::Negate(operand), whole, minus)
    }

    /// An operand of one token.
    #[inline(never)]
    fn leaf(&mut self, token: Token) -> Result<NodeId, Error> {
        let kind = match token.kind {
            TokenKind::Name(name) => Kind::Name(name),
            TokenKind::Variable(name) => Kind::Variable(name),
            TokenKind::Str(s) => Kind::String(s),
            TokenKind::Number(n) => Kind::Number(n),
            TokenKind::Bool(b) => Kind::Bool(b),
            TokenKind::Null => Kind::Null,
            TokenKind::Regex => Kind::Regex,
            TokenKind::Op(op @ (Op::And | Op::Or | Op::In)) => Kind::Name(op.text().to_string()),
            TokenKind::Op(Op::Star) => Kind::Wildcard,
            TokenKind::Op(Op::DoubleStar) => Kind::Descendants,
            TokenKind::Op(Op::Percent) => Kind::Parent,
            TokenKind::Op(op) => return Err(self.cannot_start_operand(op, token.span)),
        };
        self.push(kind, token.span.clone(), token.span)
    }

    /// The operator `op` (its token at `token`, already consumed) applied to `left`.
    fn led(&mut self, op: Op, token: Range<usize>, left: NodeId) -> Result<NodeId, Error> {
        match op {
            Op::LParen => self.call(left, token),
            Op::LBracket => self.filter(left, token),
            Op::Caret => self.sort(left, token),
            Op::LBrace => self.object(Some(left), token),
            Op::Assign => self.bind(left, token),
            Op::At | Op::Hash => self.focus(op, left, token),
            Op::Question => self.condition(left, token),
            _ => self.binary(op, left, token),
        }
    }

    #[inline(never)]
    fn binary(&mut self, op: Op, left: NodeId, token: Range<usize>) -> Result<NodeId, Error> {
        let rhs = self.expression(binding_power(op))?;
        let whole = self.span(left).start..self.span(rhs).end;
        self.push(Kind::Binary { op, lhs: left, rhs }, whole, token)
    }

    /// `$name := value`
    #[inline(never)]
    fn bind(&mut self, left: NodeId, token: Range<usize>) -> Result<NodeId, Error> {
        if !matches!(self.node(left).kind, Kind::Variable(_)) {
            return Err(self.not_a_variable(left));
        }
        let value = self.expression(binding_power(Op::Assign) - 1)?;
        let whole = self.span(left).start..self.span(value).end;
        self.push(
            Kind::Bind {
                variable: left,
                value,
            },
            whole,
            token,
        )
    }

    #[inline(never)]
    fn not_a_variable(&self, left: NodeId) -> Error {
        Error::new(
            Code::S0212,
            self.node(left).token.clone(),
            format!(
                "the left side of ':=' must be a variable such as $name, found {}",
                self.quote(left)
            ),
        )
    }

    /// `left@$var`, `left#$var`
    #[inline(never)]
    fn focus(&mut self, op: Op, left: NodeId, token: Range<usize>) -> Result<NodeId, Error> {
        let variable = self.expression(80)?;
        if !matches!(self.node(variable).kind, Kind::Variable(_)) {
            return Err(Error::new(
                Code::S0214,
                self.node(variable).token.clone(),
                format!(
                    "'{}' must be followed by a variable such as $item, found {}",
                    op.text(),
                    self.quote(variable)
                ),
            ));
        }
        let whole = self.span(left).start..self.span(variable).end;
        let kind = if op == Op::At {
            Kind::Focus {
                lhs: left,
                variable,
            }
        } else {
            Kind::Index {
                lhs: left,
                variable,
            }
        };
        self.push(kind, whole, token)
    }

    /// `condition ? then [: otherwise]`
    #[inline(never)]
    fn condition(&mut self, left: NodeId, token: Range<usize>) -> Result<NodeId, Error> {
        let then = self.expression(0)?;
        let mut end = self.span(then).end;
        let otherwise = if self.is(Op::Colon) {
            self.advance(Some((Op::Colon, "")), false)?;
            let e = self.expression(0)?;
            end = self.span(e).end;
            Some(e)
        } else {
            None
        };
        let kind = Kind::Condition {
            condition: left,
            then,
            otherwise,
        };
        let start = self.span(left).start;
        self.push(kind, start..end, token)
    }

    /// A node's text for a message.
    fn quote(&self, id: NodeId) -> String {
        let node = self.node(id);
        if matches!(node.kind, Kind::Missing) {
            return "the end of the expression".to_string();
        }
        let text = &self.src[node.span.clone()];
        if text.chars().count() > 30 {
            format!("'{}…'", text.chars().take(29).collect::<String>())
        } else {
            format!("'{text}'")
        }
    }

    /// `(a; b; c)`
    #[inline(never)]
    fn block(&mut self, open: Range<usize>) -> Result<NodeId, Error> {
        let mut items = Vec::new();
        while !self.is(Op::RParen) {
            items.push(self.expression(0)?);
            if !self.is(Op::Semicolon) {
                break;
            }
            self.advance(Some((Op::Semicolon, "")), false)?;
        }
        let end = self.current_span().end;
        self.advance(
            Some((
                Op::RParen,
                "to close the '(' (expressions in parentheses are separated by ';')",
            )),
            true,
        )?;
        self.push(Kind::Block(items), open.start..end, open)
    }

    /// `[a, b, c..d]`
    #[inline(never)]
    fn array(&mut self, open: Range<usize>) -> Result<NodeId, Error> {
        let mut items = Vec::new();
        if !self.is(Op::RBracket) {
            loop {
                let mut item = self.expression(0)?;
                if self.is(Op::DoubleDot) {
                    let token = self.current_span();
                    self.advance(Some((Op::DoubleDot, "")), false)?;
                    let rhs = self.expression(0)?;
                    let whole = self.span(item).start..self.span(rhs).end;
                    item = self.push(Kind::Range { lhs: item, rhs }, whole, token)?;
                }
                items.push(item);
                if !self.is(Op::Comma) {
                    break;
                }
                self.advance(Some((Op::Comma, "")), false)?;
            }
        }
        let end = self.current_span().end;
        self.advance(
            Some((
                Op::RBracket,
                "to close the '[' (array items are separated by ',')",
            )),
            true,
        )?;
        self.push(Kind::Array(items), open.start..end, open)
    }

    /// `{k: v, …}` (no `left`) or the grouping `left{k: v, …}`.
    #[inline(never)]
    fn object(&mut self, left: Option<NodeId>, open: Range<usize>) -> Result<NodeId, Error> {
        let mut pairs = Vec::new();
        if !self.is(Op::RBrace) {
            loop {
                let key = self.expression(0)?;
                self.advance(
                    Some((Op::Colon, "between the key and the value of an object")),
                    false,
                )?;
                let value = self.expression(0)?;
                pairs.push((key, value));
                if !self.is(Op::Comma) {
                    break;
                }
                self.advance(Some((Op::Comma, "")), false)?;
            }
        }
        let end = self.current_span().end;
        self.advance(
            Some((
                Op::RBrace,
                "to close the '{' (object entries are separated by ',')",
            )),
            true,
        )?;
        let start = left.map_or(open.start, |l| self.span(l).start);
        self.push(Kind::Object { lhs: left, pairs }, start..end, open)
    }

    /// `| pattern | update [, delete] |`
    #[inline(never)]
    fn transform(&mut self, open: Range<usize>) -> Result<NodeId, Error> {
        let pattern = self.expression(0)?;
        self.advance(
            Some((
                Op::Pipe,
                "after the location of a transform '| location | update |'",
            )),
            false,
        )?;
        let update = self.expression(0)?;
        let delete = if self.is(Op::Comma) {
            self.advance(Some((Op::Comma, "")), false)?;
            Some(self.expression(0)?)
        } else {
            None
        };
        let end = self.current_span().end;
        self.advance(
            Some((Op::Pipe, "to close the transform '| location | update |'")),
            false,
        )?;
        self.push(
            Kind::Transform {
                pattern,
                update,
                delete,
            },
            open.start..end,
            open,
        )
    }

    /// `left[rhs]`, or `left[]` (keep singleton arrays).
    #[inline(never)]
    fn filter(&mut self, left: NodeId, open: Range<usize>) -> Result<NodeId, Error> {
        if self.is(Op::RBracket) {
            let mut step = left;
            while let Kind::Filter { lhs, .. } = self.node(step).kind {
                step = lhs;
            }
            self.nodes[step as usize].keep_array = true;
            let end = self.current_span().end;
            self.advance(Some((Op::RBracket, "")), false)?;
            self.nodes[left as usize].span.end = end;
            return Ok(left);
        }
        let rhs = self.expression(0)?;
        let end = self.current_span().end;
        self.advance(Some((Op::RBracket, "to close the predicate '['")), true)?;
        let start = self.span(left).start;
        self.push(Kind::Filter { lhs: left, rhs }, start..end, open)
    }

    /// `left^(<a, >b)`
    #[inline(never)]
    fn sort(&mut self, left: NodeId, caret: Range<usize>) -> Result<NodeId, Error> {
        self.advance(
            Some((Op::LParen, "after '^' (order-by is written ^(expression))")),
            false,
        )?;
        let mut terms = Vec::new();
        loop {
            let mut descending = false;
            if self.is(Op::Less) {
                self.advance(Some((Op::Less, "")), false)?;
            } else if self.is(Op::Greater) {
                descending = true;
                self.advance(Some((Op::Greater, "")), false)?;
            }
            terms.push((descending, self.expression(0)?));
            if !self.is(Op::Comma) {
                break;
            }
            self.advance(Some((Op::Comma, "")), false)?;
        }
        let end = self.current_span().end;
        self.advance(Some((Op::RParen, "to close the order-by '^('")), false)?;
        let start = self.span(left).start;
        self.push(Kind::Sort { lhs: left, terms }, start..end, caret)
    }

    /// `procedure(args)`; a lambda when the procedure is the name `function` or `λ`.
    #[inline(never)]
    fn call(&mut self, procedure: NodeId, open: Range<usize>) -> Result<NodeId, Error> {
        let mut args = Vec::new();
        if !self.is(Op::RParen) {
            loop {
                if self.is(Op::Question) {
                    let span = self.current_span();
                    self.advance(Some((Op::Question, "")), false)?;
                    args.push(self.push(Kind::Placeholder, span.clone(), span)?);
                } else {
                    args.push(self.expression(0)?);
                }
                if !self.is(Op::Comma) {
                    break;
                }
                self.advance(Some((Op::Comma, "")), false)?;
            }
        }
        let close = self.current_span();
        let purpose = match &self.node(procedure).kind {
            Kind::Variable(name) => {
                format!("to close the call to ${name}( (arguments are separated by ',')")
            }
            _ => "to close the argument list (arguments are separated by ',')".to_string(),
        };
        self.advance(Some((Op::RParen, &purpose)), true)?;
        let start = self.span(procedure).start;
        let is_lambda =
            matches!(&self.node(procedure).kind, Kind::Name(n) if n == "function" || n == "λ");
        if is_lambda {
            self.lambda(args, start, open)
        } else {
            self.push(Kind::Call { procedure, args }, start..close.end, open)
        }
    }

    /// The rest of `function($a, $b)<signature>{body}`, after the parameters.
    #[inline(never)]
    fn lambda(
        &mut self,
        params: Vec<NodeId>,
        start: usize,
        open: Range<usize>,
    ) -> Result<NodeId, Error> {
        for (index, &param) in params.iter().enumerate() {
            if !matches!(self.node(param).kind, Kind::Variable(_)) {
                return Err(Error::new(
                    Code::S0208,
                    self.node(param).token.clone(),
                    format!(
                        "parameter {} of a function definition must be a variable such as $x, found {}",
                        index + 1,
                        self.quote(param)
                    ),
                ));
            }
        }
        let signature = if self.is(Op::Less) {
            Some(self.signature()?)
        } else {
            None
        };
        self.advance(
            Some((Op::LBrace, "to start the body of the function")),
            false,
        )?;
        let body = self.expression(0)?;
        let end = self.current_span().end;
        self.advance(
            Some((Op::RBrace, "to close the body of the function")),
            false,
        )?;
        self.push(
            Kind::Lambda {
                params,
                signature,
                body,
            },
            start..end,
            open,
        )
    }

    /// A lambda's `<signature>`, read token by token as the reference reads it; returns its
    /// byte range.
    #[inline(never)]
    fn signature(&mut self) -> Result<Range<usize>, Error> {
        let start = self.current_span().start;
        let mut text = String::from("<");
        let mut depth = 1;
        while depth > 0 && !self.is(Op::LBrace) && self.current.is_some() {
            self.advance(None, false)?;
            match self.current_op() {
                Some(Op::Greater) => depth -= 1,
                Some(Op::Less) => depth += 1,
                _ => {}
            }
            text.push_str(&token_value(self.current.as_ref(), self.src));
        }
        let end = self.current_span().end;
        self.advance(
            Some((Op::Greater, "to close the function signature")),
            false,
        )?;
        signature::check(&text).map_err(|(code, reason)| {
            Error::new(
                code,
                start..end,
                format!("invalid function signature: {reason}"),
            )
        })?;
        Ok(start..end)
    }

    #[inline(never)]
    fn cannot_start_operand(&self, op: Op, span: Range<usize>) -> Error {
        let text = op.text();
        let before = self.src[..span.start].trim_end();
        let error = Error::new(
            Code::S0211,
            span.clone(),
            format!(
                "unexpected '{text}': expected an expression (a value, a path, a variable or '(')"
            ),
        );
        match op {
            Op::Question if before.ends_with('[') && self.src[span.end..].starts_with('(') => error.help(
                "this is a JSONPath filter: JSONata writes it items[price < 10], without '?(…)' and '@', and reads the state input as $states.input",
            ),
            Op::Question if before.ends_with('?') => error.help(
                "'??' is a JSONata 2.1 operator, and Step Functions runs JSONata 2.0.6: write $exists(a) ? a : b",
            ),
            Op::Colon if before.ends_with('?') => error.help(
                "'?:' is a JSONata 2.1 operator, and Step Functions runs JSONata 2.0.6: write a ? a : b",
            ),
            Op::Equal if before.ends_with(['=', '!', '<', '>']) => {
                error.help("JSONata compares with a single '=' (and '!=', '<=', '>=')")
            }
            Op::Ampersand if before.ends_with('&') => error.help("JSONata's logical and is 'and'"),
            Op::RParen | Op::RBracket | Op::RBrace => {
                error.help(format!("this '{text}' closes nothing, or an operand is missing before it"))
            }
            _ => error,
        }
    }

    #[inline(never)]
    fn unexpected_after_expression(&self, token: &Token) -> Error {
        let text = &self.src[token.span.clone()];
        let error = Error::new(
            Code::S0201,
            token.span.clone(),
            format!(
                "unexpected '{text}' after a complete expression: expected an operator or the end"
            ),
        );
        match &token.kind {
            TokenKind::Op(Op::Pipe) if self.src[token.span.end..].starts_with('|') => {
                error.help("JSONata's logical or is 'or'")
            }
            TokenKind::Op(Op::RParen | Op::RBracket | Op::RBrace) => {
                error.help(format!("this '{text}' has no opening bracket to close"))
            }
            TokenKind::Op(Op::Semicolon) => error
                .help("to write several expressions in sequence, wrap them in parentheses: (a; b)"),
            _ => error,
        }
    }
}

fn spaced(purpose: &str) -> String {
    if purpose.is_empty() {
        String::new()
    } else {
        format!(" {purpose}")
    }
}

fn too_deep(at: Range<usize>) -> Error {
    Error::new(
        Code::Depth,
        at,
        format!("the expression nests more than {MAX_DEPTH} levels deep"),
    )
}

/// A token as JavaScript's `+=` would stringify its value, for signature reading.
fn token_value(token: Option<&Token>, src: &str) -> String {
    let Some(token) = token else {
        return "(end)".to_string();
    };
    match &token.kind {
        TokenKind::Op(op) => op.text().to_string(),
        TokenKind::Name(s) | TokenKind::Variable(s) | TokenKind::Str(s) => s.clone(),
        TokenKind::Number(n) => {
            if n.fract() == 0.0 && n.abs() < 1e21 {
                format!("{n:.0}")
            } else {
                format!("{n}")
            }
        }
        TokenKind::Bool(b) => b.to_string(),
        TokenKind::Null => "null".to_string(),
        TokenKind::Regex => {
            let text = &src[token.span.clone()];
            let close = text.rfind('/').unwrap_or(0);
            let flags = &text[close + 1..];
            let mut out = text[..=close].to_string();
            out.push('g');
            for f in ['i', 'm'] {
                if flags.contains(f) {
                    out.push(f);
                }
            }
            out
        }
    }
}
