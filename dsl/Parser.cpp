//===- Parser.cpp - Recursive-descent parser for .snn files ---------------===//
//
// Statements end at a newline (or at the '}' closing their block). Keywords
// are contextual identifiers. Errors skip to the end of the statement; an
// unclosed block ends at the next top-level keyword so that what follows is
// still parsed.
//
//===----------------------------------------------------------------------===//

#include "snnc/dsl/Parser.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"

#include <algorithm>
#include <climits>
#include <cmath>

using namespace snnc;
using namespace snnc::ast;
using llvm::SMLoc;
using llvm::SMRange;

namespace {

/// Expressions nested deeper than this are rejected instead of exhausting
/// the stack.
constexpr unsigned maxNesting = 256;

bool isTopLevelKeyword(const Token &tok) {
  return tok.kind == TokenKind::Identifier &&
         llvm::is_contained({"neuron", "synapse", "output", "population",
                             "project", "drive", "poisson_input", "run",
                             "import"},
                            tok.text);
}

SMRange join(SMRange a, SMRange b) { return {a.Start, b.End}; }

class Parser {
public:
  Parser(llvm::StringRef buffer, DiagnosticEngine &diags)
      : lexer(buffer, diags), diags(diags) {
    tok = lexer.next();
    ahead = lexer.next();
  }

  Module parseFile();

private:
  //===--- Token handling ---------------------------------------------===//
  void consume() {
    prevEnd = tok.range().End;
    tok = ahead;
    ahead = lexer.next();
  }
  bool consumeIf(TokenKind kind) {
    if (!tok.is(kind))
      return false;
    consume();
    return true;
  }
  bool consumeKeyword(llvm::StringRef word) {
    if (!tok.isKeyword(word))
      return false;
    consume();
    return true;
  }
  /// Reports "expected X" at the current token unless an error was already
  /// reported there (a bad character).
  void errorExpected(const llvm::Twine &what) {
    if (tok.is(TokenKind::Error))
      return;
    std::string found =
        tok.is(TokenKind::Identifier) || tok.is(TokenKind::Number)
            ? "'" + printable(tok.text) + "'"
            : tokenKindName(tok.kind);
    diags.error(tok.range(), "expected " + what + ", found " + found);
  }
  bool expect(TokenKind kind, const llvm::Twine &context = "") {
    if (consumeIf(kind))
      return true;
    errorExpected(llvm::Twine(tokenKindName(kind)) + context);
    return false;
  }
  static std::string printable(llvm::StringRef text) {
    std::string out;
    for (unsigned char c : text.take_front(40))
      out += (c >= 0x20 && c != 0x7f) ? static_cast<char>(c) : '?';
    if (text.size() > 40)
      out += "...";
    return out;
  }
  bool atStatementEnd() const {
    return tok.is(TokenKind::Newline) || tok.is(TokenKind::RBrace) ||
           tok.is(TokenKind::Eof);
  }
  /// After a statement: require its end, else report and skip to it.
  void finishStatement(llvm::StringRef what) {
    if (atStatementEnd()) {
      consumeIf(TokenKind::Newline);
      return;
    }
    errorExpected(llvm::Twine("end of line after ") + what);
    skipStatement();
  }
  /// Skips to the end of the current line (consuming the newline) or to a
  /// '}' / end of file (not consumed). Nested blocks are skipped whole.
  void skipStatement() {
    while (!tok.is(TokenKind::Eof)) {
      if (tok.is(TokenKind::Newline)) {
        consume();
        return;
      }
      if (tok.is(TokenKind::RBrace))
        return;
      if (tok.is(TokenKind::LBrace)) {
        skipBlock();
        continue;
      }
      consume();
    }
  }
  void skipBlock() {
    unsigned depth = 0;
    while (!tok.is(TokenKind::Eof)) {
      if (tok.is(TokenKind::LBrace))
        ++depth;
      else if (tok.is(TokenKind::RBrace) && --depth == 0) {
        consume();
        return;
      }
      consume();
    }
  }
  void skipNewlines() {
    while (tok.is(TokenKind::Newline))
      consume();
  }

  std::optional<Ident> parseIdent(const llvm::Twine &what) {
    if (!tok.is(TokenKind::Identifier)) {
      errorExpected(what);
      return std::nullopt;
    }
    Ident id{tok.text.str(), tok.range()};
    consume();
    return id;
  }

  //===--- Grammar ----------------------------------------------------===//
  void parseItem(Module &module);
  template <typename Decl, typename MemberFn>
  bool parseBlock(Decl &decl, llvm::StringRef kind, MemberFn member,
                  llvm::ArrayRef<llvm::StringRef> memberKeywords = {});
  bool parseModelBody(ModelBody &body, llvm::StringRef kind);
  bool parseCommonMember(ModelBody &body);
  std::optional<VariableDecl> parseVariable();
  std::optional<OdeDecl> parseOde();
  std::optional<Assignment> parseAssignment();
  void parseNeuron(Module &module);
  void parseSynapse(Module &module);
  void parseOutput(Module &module);
  void parsePopulation(Module &module);
  void parseProjection(Module &module);
  void parseDrive(Module &module);
  void parseRun(Module &module);
  void parseImport(Module &module);
  void parsePoissonInput(Module &module);
  std::optional<PopulationRef> parsePopulationRef();
  std::optional<Call> parseCall(const llvm::Twine &what, bool parensOptional);
  std::optional<UnitExpr> parseUnit();
  bool parseUnitTerm(UnitExpr &unit, int sign, unsigned depth);
  std::optional<Exponent> parseUnitPower();

  ExprPtr parseExpr();
  ExprPtr parseOr();
  ExprPtr parseAnd();
  ExprPtr parseNot();
  ExprPtr parseComparison();
  ExprPtr parseAdditive();
  ExprPtr parseMultiplicative();
  ExprPtr parseUnary();
  ExprPtr parsePower();
  ExprPtr parsePrimary();
  bool parseArguments(std::vector<ExprPtr> &args, std::vector<Ident> &names);
  ExprPtr makeBinary(BinaryOp op, SMRange opRange, ExprPtr lhs, ExprPtr rhs);

  /// Guards recursion depth in expressions and unit terms.
  struct NestingGuard {
    Parser &parser;
    explicit NestingGuard(Parser &parser) : parser(parser) { ++parser.depth; }
    ~NestingGuard() { --parser.depth; }
    bool tooDeep() const { return parser.depth > maxNesting; }
  };
  /// Each operator of a left-associative chain (`a + b + c`) nests the tree
  /// one level deeper without recursing here. Later stages (semantic
  /// analysis, printing, destruction) walk the tree recursively, so these
  /// levels count against maxNesting too.
  struct ChainGuard {
    Parser &parser;
    unsigned levels = 0;
    explicit ChainGuard(Parser &parser) : parser(parser) {}
    ~ChainGuard() { parser.depth -= levels; }
    bool deepen() {
      ++levels;
      return ++parser.depth <= maxNesting;
    }
  };
  bool reportTooDeep() {
    if (!nestingReported)
      diags.error(tok.range(), "expression is nested too deeply");
    nestingReported = true;
    return false;
  }

  Lexer lexer;
  DiagnosticEngine &diags;
  Token tok, ahead;
  SMLoc prevEnd;
  unsigned depth = 0;
  bool nestingReported = false;
};

//===----------------------------------------------------------------------===//
// Items
//===----------------------------------------------------------------------===//

// file := (item | NEWLINE)* EOF
Module Parser::parseFile() {
  Module module;
  while (true) {
    skipNewlines();
    if (tok.is(TokenKind::Eof))
      break;
    parseItem(module);
  }
  return module;
}

// item := neuron | synapse | output | population | projection | drive
//       | run | import
void Parser::parseItem(Module &module) {
  nestingReported = false;
  if (tok.isKeyword("neuron"))
    return parseNeuron(module);
  if (tok.isKeyword("synapse"))
    return parseSynapse(module);
  if (tok.isKeyword("output"))
    return parseOutput(module);
  if (tok.isKeyword("population"))
    return parsePopulation(module);
  if (tok.isKeyword("project"))
    return parseProjection(module);
  if (tok.isKeyword("drive"))
    return parseDrive(module);
  if (tok.isKeyword("poisson_input"))
    return parsePoissonInput(module);
  if (tok.isKeyword("run"))
    return parseRun(module);
  if (tok.isKeyword("import"))
    return parseImport(module);
  if (tok.is(TokenKind::RBrace)) {
    diags.error(tok.range(), "unmatched '}'");
    consume();
    return;
  }
  errorExpected("a declaration (neuron, synapse, output, population, "
                "project, drive, run or import)");
  skipStatement();
}

/// Parses `'{' member* '}'` calling `member()` at the start of each member.
/// A top-level keyword at the start of a member ends an unclosed block,
/// unless the block uses it as a member keyword too (`synapse` in `project`).
template <typename Decl, typename MemberFn>
bool Parser::parseBlock(Decl &decl, llvm::StringRef kind, MemberFn member,
                        llvm::ArrayRef<llvm::StringRef> memberKeywords) {
  if (!tok.is(TokenKind::LBrace)) {
    errorExpected(llvm::Twine("'{' to open ") + kind);
    skipStatement();
    return false;
  }
  SMRange open = tok.range();
  consume();
  while (true) {
    skipNewlines();
    if (consumeIf(TokenKind::RBrace)) {
      decl.range.End = prevEnd;
      finishStatement(llvm::Twine(kind).str() + " block");
      return true;
    }
    if (tok.is(TokenKind::Eof) ||
        (isTopLevelKeyword(tok) &&
         !llvm::is_contained(memberKeywords, tok.text))) {
      diags.error(tok.range(), "expected '}' to close " + kind);
      diags.note(open, kind + " opened here");
      decl.range.End = prevEnd;
      return false;
    }
    member();
  }
}

// param := 'param' var
// state := 'state' var
// var := IDENT (':' unit)? ('=' expr)?      (a unit, a value or both)
std::optional<VariableDecl> Parser::parseVariable() {
  SMLoc start = tok.loc();
  consume(); // 'param' or 'state'
  VariableDecl var;
  std::optional<Ident> name = parseIdent("a name");
  if (!name)
    return std::nullopt;
  var.name = *name;
  if (consumeIf(TokenKind::Colon)) {
    var.unit = parseUnit();
    if (!var.unit)
      return std::nullopt;
  }
  if (consumeIf(TokenKind::Equal)) {
    var.value = parseExpr();
    if (!var.value)
      return std::nullopt;
  }
  var.range = {start, prevEnd};
  if (!var.unit && !var.value && !atStatementEnd()) {
    // `param V_rest -60 mV`: one error for the missing '=', not a second
    // one for what follows it.
    errorExpected("':' or '=' after '" + var.name.name + "'");
    return std::nullopt;
  }
  if (!var.unit && !var.value) {
    diags.error(var.name.range, "'" + var.name.name +
                                    "' needs a unit (': mV') or a value "
                                    "('= -60 mV')");
  }
  return var;
}

// ode := 'd'IDENT '/' 'dt' '=' expr ('using' IDENT)? ('unless' 'refractory')?
//        (the two suffixes in either order)
std::optional<OdeDecl> Parser::parseOde() {
  OdeDecl ode;
  SMRange head = tok.range();
  llvm::StringRef spelled = tok.text;
  consume(); // dX
  consume(); // '/'
  if (!tok.isKeyword("dt")) {
    errorExpected("'dt' in a differential equation");
    return std::nullopt;
  }
  consume();
  ode.state = {spelled.drop_front().str(),
               {SMLoc::getFromPointer(spelled.data() + 1), head.End}};
  if (!expect(TokenKind::Equal))
    return std::nullopt;
  ode.rhs = parseExpr();
  if (!ode.rhs)
    return std::nullopt;
  for (int suffix = 0; suffix < 2; ++suffix) {
    SMLoc suffixStart = tok.loc();
    if (ode.integrator.name.empty() && consumeKeyword("using")) {
      std::optional<Ident> integrator = parseIdent("an integrator name");
      if (!integrator)
        return std::nullopt;
      ode.integrator = *integrator;
    } else if (!ode.unlessRefractory.isValid() && consumeKeyword("unless")) {
      if (!consumeKeyword("refractory")) {
        errorExpected("'refractory' after 'unless'");
        return std::nullopt;
      }
      ode.unlessRefractory = {suffixStart, prevEnd};
    }
  }
  ode.range = {head.Start, prevEnd};
  return ode;
}

// assignment := IDENT ('=' | '+=' | '-=' | '*=' | '/=') expr
std::optional<Assignment> Parser::parseAssignment() {
  Assignment assign;
  std::optional<Ident> target = parseIdent("a state to assign");
  if (!target)
    return std::nullopt;
  assign.target = *target;
  switch (tok.kind) {
  case TokenKind::Equal:
    assign.op = AssignOp::Set;
    break;
  case TokenKind::PlusEqual:
    assign.op = AssignOp::Add;
    break;
  case TokenKind::MinusEqual:
    assign.op = AssignOp::Sub;
    break;
  case TokenKind::StarEqual:
    assign.op = AssignOp::Mul;
    break;
  case TokenKind::SlashEqual:
    assign.op = AssignOp::Div;
    break;
  default:
    errorExpected("'=', '+=', '-=', '*=' or '/='");
    return std::nullopt;
  }
  consume();
  assign.value = parseExpr();
  if (!assign.value)
    return std::nullopt;
  assign.range = {assign.target.range.Start, prevEnd};
  return assign;
}

// common_member := param | state | 'let' var | ode | 'integrator' IDENT
/// Members every model block accepts: param, state, ODEs, integrator.
/// Returns false when the current token starts none of them.
bool Parser::parseCommonMember(ModelBody &body) {
  if (tok.isKeyword("let")) {
    std::optional<VariableDecl> var = parseVariable();
    if (!var)
      return skipStatement(), true;
    body.lets.push_back(std::move(*var));
    finishStatement("subexpression");
    return true;
  }
  if (tok.isKeyword("param") || tok.isKeyword("state")) {
    bool isParam = tok.isKeyword("param");
    std::optional<VariableDecl> var = parseVariable();
    if (!var)
      return skipStatement(), true;
    (isParam ? body.params : body.states).push_back(std::move(*var));
    finishStatement(isParam ? "parameter" : "state");
    return true;
  }
  if (tok.isKeyword("integrator")) {
    consume();
    std::optional<Ident> name = parseIdent("an integrator name");
    if (!name)
      return skipStatement(), true;
    body.integrator = *name;
    finishStatement("integrator");
    return true;
  }
  if (tok.is(TokenKind::Identifier) && tok.text.size() > 1 &&
      tok.text.front() == 'd' && ahead.is(TokenKind::Slash)) {
    std::optional<OdeDecl> ode = parseOde();
    if (!ode)
      return skipStatement(), true;
    body.odes.push_back(std::move(*ode));
    finishStatement("differential equation");
    return true;
  }
  return false;
}

bool Parser::parseModelBody(ModelBody &body, llvm::StringRef kind) {
  SMLoc start = tok.loc();
  consume(); // keyword
  std::optional<Ident> name = parseIdent(llvm::Twine("a ") + kind + " name");
  if (!name) {
    skipStatement();
    return false;
  }
  body.name = *name;
  body.range = {start, prevEnd};
  return true;
}

// neuron := 'neuron' IDENT '{' neuron_member* '}'
// neuron_member := common_member | 'input' IDENT ':' unit | 'spike' expr
//                | 'reset' ('soft' | 'hard') 'to' expr
//                | 'refractory' expr ('counted' 'by' ('steps' | 'time'))?
//                | 'refractory' 'while' expr
//                | 'on_spike' assignment
void Parser::parseNeuron(Module &module) {
  NeuronDecl neuron;
  if (!parseModelBody(neuron, "neuron"))
    return;
  parseBlock(neuron, "neuron", [&] {
    if (parseCommonMember(neuron))
      return;
    SMLoc start = tok.loc();
    if (consumeKeyword("input")) {
      InputDecl input;
      std::optional<Ident> name = parseIdent("an input name");
      if (!name || !expect(TokenKind::Colon, " and a unit after the input"))
        return skipStatement();
      input.name = *name;
      std::optional<UnitExpr> unit = parseUnit();
      if (!unit)
        return skipStatement();
      input.unit = *unit;
      input.range = {start, prevEnd};
      neuron.inputs.push_back(std::move(input));
      return finishStatement("input");
    }
    if (consumeKeyword("spike")) {
      neuron.spike = parseExpr();
      neuron.spikeRange = {start, prevEnd};
      if (!neuron.spike)
        return skipStatement();
      return finishStatement("spike condition");
    }
    if (consumeKeyword("reset")) {
      ResetDecl reset;
      if (consumeKeyword("soft"))
        reset.kind = ResetDecl::Soft;
      else if (consumeKeyword("hard"))
        reset.kind = ResetDecl::Hard;
      else {
        errorExpected("'soft' or 'hard'");
        return skipStatement();
      }
      if (!consumeKeyword("to")) {
        errorExpected("'to' and the reset value");
        return skipStatement();
      }
      reset.value = parseExpr();
      if (!reset.value)
        return skipStatement();
      reset.range = {start, prevEnd};
      neuron.reset = std::move(reset);
      return finishStatement("reset");
    }
    if (consumeKeyword("on_spike")) {
      std::optional<Assignment> assign = parseAssignment();
      if (!assign)
        return skipStatement();
      neuron.onSpike.push_back(std::move(*assign));
      return finishStatement("on_spike statement");
    }
    if (consumeKeyword("refractory")) {
      bool condition = consumeKeyword("while");
      ExprPtr value = parseExpr();
      if (!value)
        return skipStatement();
      SMRange range = {start, prevEnd};
      if (neuron.refractory || neuron.refractoryCondition) {
        diags.error(range, "a neuron has one refractory statement");
        diags.note(neuron.refractoryRange, "the first one is here");
        return skipStatement();
      }
      if (!condition && consumeKeyword("counted")) {
        if (!consumeKeyword("by")) {
          errorExpected("'by steps' or 'by time' after 'counted'");
          return skipStatement();
        }
        if (consumeKeyword("time"))
          neuron.refractoryByTime = true;
        else if (!consumeKeyword("steps")) {
          errorExpected("'steps' or 'time' after 'counted by'");
          return skipStatement();
        }
        range.End = prevEnd;
      }
      neuron.refractoryRange = range;
      (condition ? neuron.refractoryCondition : neuron.refractory) =
          std::move(value);
      return finishStatement("refractory period");
    }
    errorExpected("a neuron member (param, state, input, dX/dt, spike, "
                  "reset, on_spike, refractory or integrator)");
    skipStatement();
  });
  module.neurons.push_back(std::move(neuron));
}

// synapse := 'synapse' IDENT '{' synapse_member* '}'
// synapse_member := common_member | 'on_pre' assignment
//                 | 'increment' ('before' | 'after') 'decay'
void Parser::parseSynapse(Module &module) {
  SynapseDecl synapse;
  if (!parseModelBody(synapse, "synapse"))
    return;
  parseBlock(synapse, "synapse", [&] {
    if (parseCommonMember(synapse))
      return;
    if (consumeKeyword("on_pre")) {
      std::optional<Assignment> assign = parseAssignment();
      if (!assign)
        return skipStatement();
      synapse.onPre.push_back(std::move(*assign));
      return finishStatement("on_pre statement");
    }
    SMLoc start = tok.loc();
    if (consumeKeyword("increment")) {
      bool before = tok.isKeyword("before");
      if (!before && !tok.isKeyword("after")) {
        errorExpected("'before' or 'after'");
        return skipStatement();
      }
      consume();
      if (!consumeKeyword("decay")) {
        errorExpected("'decay'");
        return skipStatement();
      }
      synapse.incrementBeforeDecay = before;
      synapse.orderRange = {start, prevEnd};
      return finishStatement("increment order");
    }
    errorExpected("a synapse member (param, state, dX/dt, on_pre, "
                  "increment or integrator)");
    skipStatement();
  });
  module.synapses.push_back(std::move(synapse));
}

// output := 'output' IDENT '{' output_member* '}'
// output_member := param | 'current' expr
void Parser::parseOutput(Module &module) {
  OutputDecl output;
  if (!parseModelBody(output, "output"))
    return;
  parseBlock(output, "output", [&] {
    if (tok.isKeyword("param")) {
      std::optional<VariableDecl> var = parseVariable();
      if (!var)
        return skipStatement();
      output.params.push_back(std::move(*var));
      return finishStatement("parameter");
    }
    SMLoc start = tok.loc();
    if (consumeKeyword("current")) {
      output.current = parseExpr();
      output.currentRange = {start, prevEnd};
      if (!output.current)
        return skipStatement();
      return finishStatement("current");
    }
    errorExpected("an output member (param or current)");
    skipStatement();
  });
  module.outputs.push_back(std::move(output));
}

// call := IDENT args?
std::optional<Call> Parser::parseCall(const llvm::Twine &what,
                                      bool parensOptional) {
  Call call;
  std::optional<Ident> callee = parseIdent(what);
  if (!callee)
    return std::nullopt;
  call.callee = *callee;
  if (tok.is(TokenKind::LParen)) {
    consume();
    if (!parseArguments(call.args, call.argNames))
      return std::nullopt;
  } else if (!parensOptional) {
    errorExpected("'(' after '" + call.callee.name + "'");
    return std::nullopt;
  }
  call.range = {call.callee.range.Start, prevEnd};
  return call;
}

// population := 'population' IDENT '=' IDENT args ('{' initializer* '}')?
// initializer := IDENT ('=' | '~') expr
void Parser::parsePopulation(Module &module) {
  PopulationDecl pop;
  SMLoc start = tok.loc();
  consume();
  std::optional<Ident> name = parseIdent("a population name");
  if (!name || !expect(TokenKind::Equal, " and the neuron model"))
    return skipStatement();
  pop.name = *name;
  std::optional<Call> model = parseCall("a neuron model", false);
  if (!model)
    return skipStatement();
  pop.model = std::move(*model);
  pop.range = {start, prevEnd};
  if (tok.is(TokenKind::LBrace)) {
    parseBlock(pop, "population", [&] {
      Initializer init;
      std::optional<Ident> target = parseIdent("a state or parameter name");
      if (!target)
        return skipStatement();
      init.target = *target;
      if (consumeIf(TokenKind::Tilde))
        init.sampled = true;
      else if (!consumeIf(TokenKind::Equal)) {
        errorExpected("'=' or '~'");
        return skipStatement();
      }
      init.value = parseExpr();
      if (!init.value)
        return skipStatement();
      init.range = {init.target.range.Start, prevEnd};
      pop.initializers.push_back(std::move(init));
      finishStatement("initialiser");
    });
  } else {
    finishStatement("population");
  }
  module.populations.push_back(std::move(pop));
}

// popref := IDENT ('[' NUMBER? ':' NUMBER? ']')?     (whole numbers)
std::optional<PopulationRef> Parser::parsePopulationRef() {
  PopulationRef ref;
  std::optional<Ident> name = parseIdent("a population");
  if (!name)
    return std::nullopt;
  ref.population = *name;
  if (tok.is(TokenKind::LBracket)) {
    SMLoc open = tok.loc();
    consume();
    ref.sliced = true;
    auto parseBound = [&](std::optional<int64_t> &bound) {
      if (!tok.is(TokenKind::Number))
        return true;
      double value = tok.number;
      if (value != std::floor(value) || value < 0 || value > 2e9 ||
          tok.text.find_first_of(".eE") != llvm::StringRef::npos) {
        diags.error(tok.range(), "slice bound must be a non-negative "
                                 "integer");
        consume();
        return false;
      }
      bound = static_cast<int64_t>(value);
      consume();
      return true;
    };
    if (!parseBound(ref.begin))
      return std::nullopt;
    if (!expect(TokenKind::Colon, " in a slice 'begin:end'"))
      return std::nullopt;
    if (!parseBound(ref.end))
      return std::nullopt;
    if (!expect(TokenKind::RBracket, " to close the slice"))
      return std::nullopt;
    ref.sliceRange = {open, prevEnd};
  }
  ref.range = {ref.population.range.Start, prevEnd};
  return ref;
}

// projection := 'project' popref '->' popref '{' projection_member* '}'
// projection_member := 'synapse' call | 'output' call ('to' IDENT)?
//                    | 'connect' call | 'weight' ('=')? expr
//                    | 'weight' '~' expr
void Parser::parseProjection(Module &module) {
  ProjectionDecl proj;
  SMLoc start = tok.loc();
  consume();
  std::optional<PopulationRef> source = parsePopulationRef();
  if (!source)
    return skipStatement();
  proj.source = *source;
  if (!expect(TokenKind::Arrow, " between source and target"))
    return skipStatement();
  std::optional<PopulationRef> target = parsePopulationRef();
  if (!target)
    return skipStatement();
  proj.target = *target;
  proj.range = {start, prevEnd};
  parseBlock(
      proj, "projection",
      [&] {
        SMLoc memberStart = tok.loc();
        auto setCall = [&](std::optional<Call> &slot, llvm::StringRef what,
                           bool parensOptional) {
          SMRange keyword = tok.range();
          consume();
          if (slot) {
            diags.error(keyword, "duplicate '" + what + "' in projection");
            diags.note(slot->range, "first given here");
          }
          std::optional<Call> call = parseCall(
              llvm::Twine("a ") +
                  (what == "connect" ? "connectivity rule" : what) + " name",
              parensOptional);
          if (!call)
            return false;
          slot = std::move(call);
          return true;
        };
        if (tok.isKeyword("synapse")) {
          if (!setCall(proj.synapse, "synapse", true))
            return skipStatement();
          return finishStatement("synapse");
        }
        if (tok.isKeyword("output")) {
          if (!setCall(proj.output, "output", true))
            return skipStatement();
          if (consumeKeyword("to")) {
            std::optional<Ident> input = parseIdent("the target's input name");
            if (!input)
              return skipStatement();
            proj.outputInput = *input;
          }
          return finishStatement("output");
        }
        if (tok.isKeyword("connect")) {
          if (!setCall(proj.connect, "connect", true))
            return skipStatement();
          return finishStatement("connectivity");
        }
        if (consumeKeyword("weight")) {
          if (proj.weight) {
            diags.error(SMRange(memberStart, prevEnd),
                        "duplicate 'weight' in projection");
            diags.note(proj.weightRange, "first given here");
          }
          proj.weightSampled = consumeIf(TokenKind::Tilde);
          if (!proj.weightSampled)
            consumeIf(TokenKind::Equal);
          proj.weight = parseExpr();
          proj.weightRange = {memberStart, prevEnd};
          if (!proj.weight)
            return skipStatement();
          return finishStatement("weight");
        }
        if (consumeKeyword("delay")) {
          if (proj.delay) {
            diags.error(SMRange(memberStart, prevEnd),
                        "duplicate 'delay' in projection");
            diags.note(proj.delayRange, "first given here");
          }
          proj.delay = parseExpr();
          proj.delayRange = {memberStart, prevEnd};
          if (!proj.delay)
            return skipStatement();
          return finishStatement("delay");
        }
        errorExpected("a projection member (synapse, output, connect, weight "
                      "or delay)");
        skipStatement();
      },
      {"synapse", "output"});
  module.projections.push_back(std::move(proj));
}

// drive := 'drive' popref '.' IDENT '=' expr
void Parser::parseDrive(Module &module) {
  DriveDecl drive;
  SMLoc start = tok.loc();
  consume();
  std::optional<PopulationRef> target = parsePopulationRef();
  if (!target || !expect(TokenKind::Dot, " and the input to drive"))
    return skipStatement();
  drive.target = *target;
  std::optional<Ident> input = parseIdent("an input name");
  if (!input || !expect(TokenKind::Equal))
    return skipStatement();
  drive.input = *input;
  drive.value = parseExpr();
  if (!drive.value)
    return skipStatement();
  drive.range = {start, prevEnd};
  module.drives.push_back(std::move(drive));
  finishStatement("drive");
}

// poisson_input := 'poisson_input' popref '.' IDENT '+=' expr
//                  'from' expr 'sources' 'at' expr
void Parser::parsePoissonInput(Module &module) {
  PoissonInputDecl input;
  SMLoc start = tok.loc();
  consume();
  std::optional<PopulationRef> target = parsePopulationRef();
  if (!target || !expect(TokenKind::Dot, " and the state the input adds to"))
    return skipStatement();
  input.target = *target;
  std::optional<Ident> state = parseIdent("a state name");
  if (!state || !expect(TokenKind::PlusEqual, " and the weight of one spike"))
    return skipStatement();
  input.state = *state;
  input.weight = parseExpr();
  if (!input.weight)
    return skipStatement();
  if (!consumeKeyword("from")) {
    errorExpected("'from' and the number of sources");
    return skipStatement();
  }
  input.sources = parseExpr();
  if (!input.sources)
    return skipStatement();
  if (!consumeKeyword("sources") || !consumeKeyword("at")) {
    errorExpected("'sources at' and their rate");
    return skipStatement();
  }
  input.rate = parseExpr();
  if (!input.rate)
    return skipStatement();
  input.range = {start, prevEnd};
  module.poissonInputs.push_back(std::move(input));
  finishStatement("poisson_input");
}

// run := 'run' expr ('dt' expr | 'seed' expr)* ('{' record* '}')?
//        (dt and seed at most once each, in either order)
// record := 'record' popref '.' IDENT
void Parser::parseRun(Module &module) {
  RunDecl run;
  SMLoc start = tok.loc();
  consume();
  run.duration = parseExpr();
  if (!run.duration)
    return skipStatement();
  while (tok.isKeyword("dt") || tok.isKeyword("seed")) {
    bool isDt = tok.isKeyword("dt");
    SMRange keyword = tok.range();
    consume();
    ExprPtr &slot = isDt ? run.dt : run.seed;
    if (slot) {
      diags.error(keyword, llvm::Twine("duplicate '") + (isDt ? "dt" : "seed") +
                               "' in run");
    }
    slot = parseExpr();
    if (!slot)
      return skipStatement();
  }
  run.range = {start, prevEnd};
  if (tok.is(TokenKind::LBrace)) {
    parseBlock(run, "run", [&] {
      SMLoc recordStart = tok.loc();
      if (!consumeKeyword("record")) {
        errorExpected("'record'");
        return skipStatement();
      }
      RecordDecl record;
      std::optional<PopulationRef> target = parsePopulationRef();
      if (!target || !expect(TokenKind::Dot, " and what to record"))
        return skipStatement();
      record.target = *target;
      std::optional<Ident> variable = parseIdent("'spike' or a state variable");
      if (!variable)
        return skipStatement();
      record.variable = *variable;
      record.range = {recordStart, prevEnd};
      run.records.push_back(std::move(record));
      finishStatement("record");
    });
  } else {
    finishStatement("run");
  }
  module.runs.push_back(std::move(run));
}

// import := 'import' STRING
void Parser::parseImport(Module &module) {
  SMLoc start = tok.loc();
  consume();
  ImportDecl decl;
  if (tok.isKeyword("snnc")) { // `import snnc.AdEx`: a library model
    consume();
    std::optional<Ident> name;
    if (!expect(TokenKind::Dot, " and a model name after 'snnc'") ||
        !(name = parseIdent("a model of snnc's library")))
      return skipStatement();
    decl.path = name->name;
    decl.library = true;
  } else if (tok.is(TokenKind::String)) {
    decl.path = tok.text.drop_front().drop_back().str();
    consume();
  } else {
    errorExpected("a file name in double quotes, or snnc.MODEL for a model "
                  "of snnc's library");
    return skipStatement();
  }
  decl.range = {start, prevEnd};
  module.imports.push_back(std::move(decl));
  finishStatement("import");
}

//===----------------------------------------------------------------------===//
// Units
//===----------------------------------------------------------------------===//

// unit := unit_term (('*' | '/') unit_term)*
std::optional<UnitExpr> Parser::parseUnit() {
  UnitExpr unit;
  SMLoc start = tok.loc();
  if (!parseUnitTerm(unit, 1, 0))
    return std::nullopt;
  while (tok.is(TokenKind::Star) || tok.is(TokenKind::Slash)) {
    int sign = tok.is(TokenKind::Star) ? 1 : -1;
    consume();
    if (!parseUnitTerm(unit, sign, 0))
      return std::nullopt;
  }
  unit.range = {start, prevEnd};
  return unit;
}

// unit_term := (IDENT | '1' | '(' unit ')') unit_power?
bool Parser::parseUnitTerm(UnitExpr &unit, int sign, unsigned nesting) {
  NestingGuard guard(*this);
  if (guard.tooDeep())
    return reportTooDeep();
  if (tok.is(TokenKind::Number) && tok.text == "1") {
    consume();
    return true;
  }
  if (tok.is(TokenKind::LParen)) {
    consume();
    UnitExpr inner;
    if (!parseUnitTerm(inner, 1, nesting + 1))
      return false;
    while (tok.is(TokenKind::Star) || tok.is(TokenKind::Slash)) {
      int innerSign = tok.is(TokenKind::Star) ? 1 : -1;
      consume();
      if (!parseUnitTerm(inner, innerSign, nesting + 1))
        return false;
    }
    if (!expect(TokenKind::RParen, " to close the unit"))
      return false;
    Exponent power = 1;
    SMLoc powerStart = tok.loc();
    if (tok.is(TokenKind::Caret)) {
      std::optional<Exponent> parsed = parseUnitPower();
      if (!parsed)
        return false;
      power = *parsed;
    }
    for (UnitFactor &factor : inner.factors) {
      // Nested powers multiply (`((mV^64)^64)^64`) and saturate rather than
      // overflow; halves of halves (`(ms^0.5)^0.5`) are no unit.
      std::optional<Exponent> combined = factor.power.times(power);
      if (!combined) {
        diags.error({powerStart, prevEnd},
                    "'" + factor.symbol.name + "' would have the power " +
                        factor.power.str() + " * " + power.str() +
                        ", but a unit's power must be an integer or a "
                        "half-integer");
        return false;
      }
      factor.power = *combined * sign;
      unit.factors.push_back(factor);
    }
    return true;
  }
  if (!tok.is(TokenKind::Identifier)) {
    errorExpected("a unit");
    return false;
  }
  UnitFactor factor{{tok.text.str(), tok.range()}, sign};
  consume();
  if (tok.is(TokenKind::Caret)) {
    std::optional<Exponent> power = parseUnitPower();
    if (!power)
      return false;
    factor.power = *power * sign;
  }
  unit.factors.push_back(factor);
  return true;
}

// unit_power := '^' '-'? NUMBER   (an integer or half-integer up to 64)
std::optional<Exponent> Parser::parseUnitPower() {
  consume(); // '^'
  bool negative = consumeIf(TokenKind::Minus);
  // Half-integers are exact in binary, so 2 * number is an integer
  // exactly when the number is one of them.
  double halves = tok.is(TokenKind::Number) ? 2 * tok.number : 0.5;
  if (halves != std::floor(halves) || halves > 128) {
    errorExpected("a small integer or half-integer power");
    return std::nullopt;
  }
  Exponent power = Exponent::fromHalves(static_cast<int64_t>(halves));
  consume();
  return negative ? -power : power;
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

ExprPtr Parser::makeBinary(BinaryOp op, SMRange opRange, ExprPtr lhs,
                           ExprPtr rhs) {
  auto expr = std::make_unique<Expr>();
  expr->kind = ExprKind::Binary;
  expr->binaryOp = op;
  expr->opRange = opRange;
  expr->range = join(lhs->range, rhs->range);
  expr->operands.push_back(std::move(lhs));
  expr->operands.push_back(std::move(rhs));
  return expr;
}

// expr := or
// expr := or ('if' or 'else' expr)?
ExprPtr Parser::parseExpr() {
  NestingGuard guard(*this);
  if (guard.tooDeep())
    return reportTooDeep(), nullptr;
  ExprPtr value = parseOr();
  if (!value || !tok.isKeyword("if"))
    return value;
  SMRange opRange = tok.range();
  consume();
  ExprPtr condition = parseOr();
  if (!condition)
    return nullptr;
  if (!tok.isKeyword("else")) {
    errorExpected("'else' and the value when the condition is false");
    return nullptr;
  }
  consume();
  ExprPtr otherwise = parseExpr();
  if (!otherwise)
    return nullptr;
  auto expr = std::make_unique<Expr>();
  expr->kind = ExprKind::Conditional;
  expr->opRange = opRange;
  expr->range = {value->range.Start, otherwise->range.End};
  expr->operands.push_back(std::move(value));
  expr->operands.push_back(std::move(condition));
  expr->operands.push_back(std::move(otherwise));
  return expr;
}

// or := and ('or' and)*
ExprPtr Parser::parseOr() {
  ExprPtr lhs = parseAnd();
  ChainGuard chain(*this);
  while (lhs && tok.isKeyword("or")) {
    if (!chain.deepen())
      return reportTooDeep(), nullptr;
    SMRange opRange = tok.range();
    consume();
    ExprPtr rhs = parseAnd();
    if (!rhs)
      return nullptr;
    lhs = makeBinary(BinaryOp::Or, opRange, std::move(lhs), std::move(rhs));
  }
  return lhs;
}

// and := not ('and' not)*
ExprPtr Parser::parseAnd() {
  ExprPtr lhs = parseNot();
  ChainGuard chain(*this);
  while (lhs && tok.isKeyword("and")) {
    if (!chain.deepen())
      return reportTooDeep(), nullptr;
    SMRange opRange = tok.range();
    consume();
    ExprPtr rhs = parseNot();
    if (!rhs)
      return nullptr;
    lhs = makeBinary(BinaryOp::And, opRange, std::move(lhs), std::move(rhs));
  }
  return lhs;
}

// not := 'not' not | comparison
ExprPtr Parser::parseNot() {
  if (!tok.isKeyword("not"))
    return parseComparison();
  NestingGuard guard(*this);
  if (guard.tooDeep())
    return reportTooDeep(), nullptr;
  SMLoc start = tok.loc();
  consume();
  ExprPtr operand = parseNot();
  if (!operand)
    return nullptr;
  auto expr = std::make_unique<Expr>();
  expr->kind = ExprKind::Unary;
  expr->unaryOp = UnaryOp::Not;
  expr->range = {start, operand->range.End};
  expr->operands.push_back(std::move(operand));
  return expr;
}

// comparison := additive (('<' | '<=' | '>' | '>=' | '==' | '!=') additive)?
ExprPtr Parser::parseComparison() {
  ExprPtr lhs = parseAdditive();
  if (!lhs)
    return nullptr;
  std::optional<BinaryOp> op;
  switch (tok.kind) {
  case TokenKind::Less:
    op = BinaryOp::Less;
    break;
  case TokenKind::LessEqual:
    op = BinaryOp::LessEqual;
    break;
  case TokenKind::Greater:
    op = BinaryOp::Greater;
    break;
  case TokenKind::GreaterEqual:
    op = BinaryOp::GreaterEqual;
    break;
  case TokenKind::EqualEqual:
    op = BinaryOp::Equal;
    break;
  case TokenKind::NotEqual:
    op = BinaryOp::NotEqual;
    break;
  default:
    return lhs;
  }
  SMRange opRange = tok.range();
  consume();
  ExprPtr rhs = parseAdditive();
  if (!rhs)
    return nullptr;
  return makeBinary(*op, opRange, std::move(lhs), std::move(rhs));
}

// additive := multiplicative (('+' | '-') multiplicative)*
ExprPtr Parser::parseAdditive() {
  ExprPtr lhs = parseMultiplicative();
  ChainGuard chain(*this);
  while (lhs && (tok.is(TokenKind::Plus) || tok.is(TokenKind::Minus))) {
    if (!chain.deepen())
      return reportTooDeep(), nullptr;
    BinaryOp op = tok.is(TokenKind::Plus) ? BinaryOp::Add : BinaryOp::Sub;
    SMRange opRange = tok.range();
    consume();
    ExprPtr rhs = parseMultiplicative();
    if (!rhs)
      return nullptr;
    lhs = makeBinary(op, opRange, std::move(lhs), std::move(rhs));
  }
  return lhs;
}

// multiplicative := unary (('*' | '/') unary)*
ExprPtr Parser::parseMultiplicative() {
  ExprPtr lhs = parseUnary();
  ChainGuard chain(*this);
  while (lhs && (tok.is(TokenKind::Star) || tok.is(TokenKind::Slash))) {
    if (!chain.deepen())
      return reportTooDeep(), nullptr;
    BinaryOp op = tok.is(TokenKind::Star) ? BinaryOp::Mul : BinaryOp::Div;
    SMRange opRange = tok.range();
    consume();
    ExprPtr rhs = parseUnary();
    if (!rhs)
      return nullptr;
    lhs = makeBinary(op, opRange, std::move(lhs), std::move(rhs));
  }
  return lhs;
}

// unary := ('-' | '+') unary | power
ExprPtr Parser::parseUnary() {
  if (!tok.is(TokenKind::Minus) && !tok.is(TokenKind::Plus))
    return parsePower();
  NestingGuard guard(*this);
  if (guard.tooDeep())
    return reportTooDeep(), nullptr;
  SMLoc start = tok.loc();
  UnaryOp op = tok.is(TokenKind::Minus) ? UnaryOp::Negate : UnaryOp::Plus;
  consume();
  ExprPtr operand = parseUnary();
  if (!operand)
    return nullptr;
  auto expr = std::make_unique<Expr>();
  expr->kind = ExprKind::Unary;
  expr->unaryOp = op;
  expr->range = {start, operand->range.End};
  expr->operands.push_back(std::move(operand));
  return expr;
}

// power := primary ('^' unary)?
ExprPtr Parser::parsePower() {
  ExprPtr base = parsePrimary();
  if (!base || !tok.is(TokenKind::Caret))
    return base;
  SMRange opRange = tok.range();
  consume();
  NestingGuard guard(*this);
  if (guard.tooDeep())
    return reportTooDeep(), nullptr;
  ExprPtr exponent = parseUnary();
  if (!exponent)
    return nullptr;
  return makeBinary(BinaryOp::Pow, opRange, std::move(base),
                    std::move(exponent));
}

// primary := NUMBER (IDENT unit_power?)? | IDENT args? | '(' expr ')'
//    (after a NUMBER, an IDENT other than and, or, dt, seed, using and to
//    is its unit)
ExprPtr Parser::parsePrimary() {
  NestingGuard guard(*this);
  if (guard.tooDeep())
    return reportTooDeep(), nullptr;
  auto expr = std::make_unique<Expr>();
  SMLoc start = tok.loc();
  if (tok.is(TokenKind::Number)) {
    expr->kind = ExprKind::Number;
    expr->number = tok.number;
    consume();
    // A unit written right after a number belongs to it: `-60 mV`. Keywords
    // that may follow an expression are not units.
    if (tok.is(TokenKind::Identifier) &&
        !llvm::is_contained({"and", "or", "dt", "seed", "using", "to", "if",
                             "else", "unless", "counted", "from", "sources",
                             "at"},
                            tok.text)) {
      UnitFactor unit{{tok.text.str(), tok.range()}, 1};
      consume();
      if (tok.is(TokenKind::Caret)) {
        std::optional<Exponent> power = parseUnitPower();
        if (!power)
          return nullptr;
        unit.power = *power;
      }
      expr->unit = unit;
    }
    expr->range = {start, prevEnd};
    return expr;
  }
  if (tok.is(TokenKind::Identifier)) {
    if (llvm::is_contained({"and", "or", "not", "if", "else"}, tok.text)) {
      errorExpected("an expression");
      return nullptr;
    }
    expr->name = {tok.text.str(), tok.range()};
    consume();
    if (tok.is(TokenKind::LParen)) {
      consume();
      expr->kind = ExprKind::Call;
      if (!parseArguments(expr->operands, expr->argumentNames))
        return nullptr;
    } else {
      expr->kind = ExprKind::Name;
    }
    expr->range = {start, prevEnd};
    return expr;
  }
  if (tok.is(TokenKind::LParen)) {
    consume();
    ExprPtr inner = parseExpr();
    if (!inner)
      return nullptr;
    if (!expect(TokenKind::RParen, " to close '('"))
      return nullptr;
    inner->range = {start, prevEnd};
    return inner;
  }
  errorExpected("an expression");
  return nullptr;
}

// args := '(' (argument (',' argument)*)? ')'   (the caller consumes '(')
// argument := (IDENT '=')? expr
bool Parser::parseArguments(std::vector<ExprPtr> &args,
                            std::vector<Ident> &names) {
  if (consumeIf(TokenKind::RParen))
    return true;
  while (true) {
    Ident name;
    if (tok.is(TokenKind::Identifier) && ahead.is(TokenKind::Equal)) {
      name = {tok.text.str(), tok.range()};
      consume();
      consume();
    }
    ExprPtr arg = parseExpr();
    if (!arg)
      return false;
    args.push_back(std::move(arg));
    names.push_back(std::move(name));
    if (consumeIf(TokenKind::RParen))
      return true;
    if (!expect(TokenKind::Comma, " or ')' in the argument list"))
      return false;
  }
}

} // namespace

Module snnc::parseModule(unsigned bufferId, DiagnosticEngine &diags) {
  llvm::StringRef buffer =
      diags.getSourceMgr().getMemoryBuffer(bufferId)->getBuffer();
  Parser parser(buffer, diags);
  return parser.parseFile();
}
