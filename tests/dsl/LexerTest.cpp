//===- LexerTest.cpp - Tests for the tokens of the .snn language ----------===//
//
// Pins down how source text becomes tokens: every token kind, how numbers
// end (so that `2e-3` is one number and `2eV` a number and a unit), where
// newlines are tokens and where they are not, comments and line
// continuations, UTF-8 unit symbols, and that bad bytes are reported once
// and lexing goes on.
//
//===----------------------------------------------------------------------===//

#include "snnc/dsl/Lexer.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include "gtest/gtest.h"

#include <string>
#include <vector>

using namespace snnc;

namespace {

/// Lexes a whole buffer; keeps the buffer alive for the tokens' text.
class LexerTest : public ::testing::Test {
protected:
  std::vector<Token> lex(llvm::StringRef text) {
    unsigned id = sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(text, "lex.snn"), llvm::SMLoc());
    Lexer lexer(sourceMgr.getMemoryBuffer(id)->getBuffer(), diags);
    std::vector<Token> tokens;
    // Every call consumes input or returns Eof; the bound guards the test.
    for (size_t i = 0; i <= text.size() + 1; ++i) {
      tokens.push_back(lexer.next());
      if (tokens.back().is(TokenKind::Eof))
        break;
    }
    return tokens;
  }

  std::vector<TokenKind> kinds(llvm::StringRef text) {
    std::vector<TokenKind> result;
    for (const Token &token : lex(text))
      result.push_back(token.kind);
    return result;
  }

  std::vector<std::string> texts(llvm::StringRef text) {
    std::vector<std::string> result;
    for (const Token &token : lex(text))
      result.push_back(token.text.str());
    return result;
  }

  std::vector<std::string> messages() const {
    std::vector<std::string> result;
    for (const Diagnostic &diag : diags.diagnostics())
      result.push_back(diag.message);
    return result;
  }

  llvm::SourceMgr sourceMgr;
  std::string printed;
  llvm::raw_string_ostream out{printed};
  DiagnosticEngine diags{sourceMgr, &out};
};

using K = TokenKind;

TEST_F(LexerTest, EveryPunctuationTokenHasItsKind) {
  EXPECT_EQ(kinds("{ } ( ) [ ] , : . = += -= *= /= + - * / ^ ~ -> < <= > >= "
                  "== !="),
            (std::vector<K>{
                K::LBrace,       K::RBrace,     K::LParen,    K::RParen,
                K::LBracket,     K::RBracket,   K::Comma,     K::Colon,
                K::Dot,          K::Equal,      K::PlusEqual, K::MinusEqual,
                K::StarEqual,    K::SlashEqual, K::Plus,      K::Minus,
                K::Star,         K::Slash,      K::Caret,     K::Tilde,
                K::Arrow,        K::Less,       K::LessEqual, K::Greater,
                K::GreaterEqual, K::EqualEqual, K::NotEqual,  K::Eof}));
  EXPECT_TRUE(diags.diagnostics().empty());
}

TEST_F(LexerTest, LongestOperatorWinsWithoutSpaces) {
  EXPECT_EQ(
      kinds("a+=b->c<=d==e!=f>=-g"),
      (std::vector<K>{K::Identifier, K::PlusEqual, K::Identifier, K::Arrow,
                      K::Identifier, K::LessEqual, K::Identifier, K::EqualEqual,
                      K::Identifier, K::NotEqual, K::Identifier,
                      K::GreaterEqual, K::Minus, K::Identifier, K::Eof}));
}

TEST_F(LexerTest, EveryTokenKindHasAReadableName) {
  EXPECT_STREQ(tokenKindName(K::Eof), "end of file");
  EXPECT_STREQ(tokenKindName(K::Newline), "end of line");
  EXPECT_STREQ(tokenKindName(K::Identifier), "identifier");
  EXPECT_STREQ(tokenKindName(K::Number), "number");
  EXPECT_STREQ(tokenKindName(K::String), "string");
  EXPECT_STREQ(tokenKindName(K::LBrace), "'{'");
  EXPECT_STREQ(tokenKindName(K::Arrow), "'->'");
  EXPECT_STREQ(tokenKindName(K::NotEqual), "'!='");
  EXPECT_STREQ(tokenKindName(K::Error), "invalid character");
  for (int k = static_cast<int>(K::Eof); k <= static_cast<int>(K::Error); ++k)
    EXPECT_STRNE(tokenKindName(static_cast<K>(k)), "token") << k;
}

TEST_F(LexerTest, IdentifiersTakeLettersDigitsAndUnderscores) {
  EXPECT_EQ(texts("V_rest tau_ref2 _x x1y"),
            (std::vector<std::string>{"V_rest", "tau_ref2", "_x", "x1y", ""}));
  EXPECT_EQ(kinds("V_rest"), (std::vector<K>{K::Identifier, K::Eof}));
}

TEST_F(LexerTest, KeywordsAreIdentifiersComparedBySpelling) {
  std::vector<Token> tokens = lex("neuron current");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_TRUE(tokens[0].is(K::Identifier));
  EXPECT_TRUE(tokens[0].isKeyword("neuron"));
  EXPECT_FALSE(tokens[0].isKeyword("neur"));
  EXPECT_TRUE(tokens[1].isKeyword("current"));
}

TEST_F(LexerTest, NumbersAreIntegersDecimalsAndExponents) {
  std::vector<Token> tokens = lex("42 0.6 .5 7. 2e-3 1E+2 6.7e1 2e3");
  ASSERT_EQ(tokens.size(), 9u);
  const double expected[] = {42, 0.6, 0.5, 7, 2e-3, 1e2, 67, 2000};
  for (size_t i = 0; i < 8; ++i) {
    EXPECT_TRUE(tokens[i].is(K::Number)) << i;
    EXPECT_DOUBLE_EQ(tokens[i].number, expected[i]) << tokens[i].text.str();
  }
  EXPECT_EQ(tokens[4].text, "2e-3");
  EXPECT_TRUE(diags.diagnostics().empty());
}

TEST_F(LexerTest, NumberRightBeforeAUnitEndsAtTheUnit) {
  EXPECT_EQ(texts("1ms 0.6mS 20mA"),
            (std::vector<std::string>{"1", "ms", "0.6", "mS", "20", "mA", ""}));
}

TEST_F(LexerTest, ExponentWithoutDigitsIsAUnitNotPartOfTheNumber) {
  // "2eV" is 2 and the identifier eV; "2e mV" is 2, e and mV.
  std::vector<Token> tokens = lex("2eV 2e mV 3e-x");
  EXPECT_EQ(texts("2eV 2e mV 3e-x"),
            (std::vector<std::string>{"2", "eV", "2", "e", "mV", "3", "e", "-",
                                      "x", ""}));
  EXPECT_DOUBLE_EQ(tokens[0].number, 2);
  EXPECT_TRUE(tokens[1].is(K::Identifier));
  EXPECT_TRUE(diags.diagnostics().empty());
}

TEST_F(LexerTest, NumberTooLargeForDoubleIsReportedAndReadAsZero) {
  std::vector<Token> tokens = lex("1e999");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_TRUE(tokens[0].is(K::Number));
  EXPECT_EQ(tokens[0].number, 0);
  EXPECT_EQ(messages(), std::vector<std::string>{"number is too large"});
}

TEST_F(LexerTest, StringsKeepTheirQuotesInTheTokenText) {
  std::vector<Token> tokens = lex("import \"lib/cells.snn\"");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_TRUE(tokens[1].is(K::String));
  EXPECT_EQ(tokens[1].text, "\"lib/cells.snn\"");
}

TEST_F(LexerTest, UnterminatedStringIsOneErrorTokenEndingAtTheLine) {
  EXPECT_EQ(kinds("\"abc\nx"),
            (std::vector<K>{K::Error, K::Newline, K::Identifier, K::Eof}));
  EXPECT_EQ(messages(), std::vector<std::string>{"unterminated string"});
  ASSERT_EQ(diags.diagnostics().size(), 1u);
  EXPECT_EQ(diags.diagnostics()[0].line, 1u);
  EXPECT_EQ(diags.diagnostics()[0].column, 1u);
}

TEST_F(LexerTest, StringAtEndOfFileWithoutQuoteIsUnterminated) {
  EXPECT_EQ(kinds("\"abc"), (std::vector<K>{K::Error, K::Eof}));
  EXPECT_EQ(messages(), std::vector<std::string>{"unterminated string"});
}

TEST_F(LexerTest, CommentsRunToTheEndOfTheLine) {
  EXPECT_EQ(texts("a # comment with ( [ { \" and ~\nb # last"),
            (std::vector<std::string>{"a", "\n", "b", ""}));
  EXPECT_TRUE(diags.diagnostics().empty());
}

TEST_F(LexerTest, NewlinesAreTokensOutsideGroups) {
  EXPECT_EQ(kinds("a\n\nb"),
            (std::vector<K>{K::Identifier, K::Newline, K::Newline,
                            K::Identifier, K::Eof}));
}

TEST_F(LexerTest, NewlinesInsideParenthesesAndBracketsAreSkipped) {
  EXPECT_EQ(kinds("(a\n+ b)\n[1\n:\n2]\nc"),
            (std::vector<K>{K::LParen, K::Identifier, K::Plus, K::Identifier,
                            K::RParen, K::Newline, K::LBracket, K::Number,
                            K::Colon, K::Number, K::RBracket, K::Newline,
                            K::Identifier, K::Eof}));
}

TEST_F(LexerTest, NestedGroupsEndOnlyAtTheOutermostClose) {
  EXPECT_EQ(kinds("((a)\n)\nb"),
            (std::vector<K>{K::LParen, K::LParen, K::Identifier, K::RParen,
                            K::RParen, K::Newline, K::Identifier, K::Eof}));
}

TEST_F(LexerTest, BracesEndAnUnclosedGroup) {
  // One unbalanced '(' must not swallow the rest of the file.
  EXPECT_EQ(kinds("(a\n{\nb"),
            (std::vector<K>{K::LParen, K::Identifier, K::LBrace, K::Newline,
                            K::Identifier, K::Eof}));
  EXPECT_EQ(kinds("(a\n}\nb"),
            (std::vector<K>{K::LParen, K::Identifier, K::RBrace, K::Newline,
                            K::Identifier, K::Eof}));
}

TEST_F(LexerTest, UnmatchedClosingParenthesisDoesNotHideNewlines) {
  EXPECT_EQ(kinds(")\na"),
            (std::vector<K>{K::RParen, K::Newline, K::Identifier, K::Eof}));
}

TEST_F(LexerTest, BackslashAtLineEndContinuesTheLine) {
  EXPECT_EQ(kinds("a + \\\n b"),
            (std::vector<K>{K::Identifier, K::Plus, K::Identifier, K::Eof}));
  EXPECT_EQ(kinds("a + \\\r\n b"),
            (std::vector<K>{K::Identifier, K::Plus, K::Identifier, K::Eof}));
  EXPECT_TRUE(diags.diagnostics().empty());
}

TEST_F(LexerTest, BackslashElsewhereIsABadCharacter) {
  EXPECT_EQ(kinds("a \\ b"),
            (std::vector<K>{K::Identifier, K::Error, K::Identifier, K::Eof}));
  EXPECT_EQ(messages(), std::vector<std::string>{"unexpected character '\\'"});
}

TEST_F(LexerTest, CarriageReturnsTabsAndFormFeedsAreWhitespace) {
  EXPECT_EQ(kinds("a\r\n\tb\f\vc"),
            (std::vector<K>{K::Identifier, K::Newline, K::Identifier,
                            K::Identifier, K::Eof}));
}

TEST_F(LexerTest, MicroSignsAndOmegaAreIdentifierCharacters) {
  // µ (U+00B5), μ (U+03BC) and Ω (U+03A9) appear in unit symbols.
  EXPECT_EQ(texts("\xC2\xB5S \xCE\xBCV \xCE\xA9 M\xCE\xA9 k\xCE\xA9_2"),
            (std::vector<std::string>{"\xC2\xB5S", "\xCE\xBCV", "\xCE\xA9",
                                      "M\xCE\xA9", "k\xCE\xA9_2", ""}));
  EXPECT_TRUE(diags.diagnostics().empty());
}

TEST_F(LexerTest, BadCharactersAreReportedOnceEachAndLexingGoesOn) {
  EXPECT_EQ(kinds("a $ b ! c ` d"),
            (std::vector<K>{K::Identifier, K::Error, K::Identifier, K::Error,
                            K::Identifier, K::Error, K::Identifier, K::Eof}));
  EXPECT_EQ(messages(), (std::vector<std::string>{"unexpected character '$'",
                                                  "unexpected character '!'",
                                                  "unexpected character '`'"}));
  ASSERT_EQ(diags.diagnostics().size(), 3u);
  EXPECT_EQ(diags.diagnostics()[0].column, 3u);
  EXPECT_EQ(diags.diagnostics()[1].column, 7u);
}

TEST_F(LexerTest, ControlBytesAreReportedByTheirHexValue) {
  std::string text = std::string("a") + '\0' + "b\x01" + "c\x7f";
  EXPECT_EQ(kinds(text),
            (std::vector<K>{K::Identifier, K::Error, K::Identifier, K::Error,
                            K::Identifier, K::Error, K::Eof}));
  EXPECT_EQ(messages(),
            (std::vector<std::string>{"unexpected character byte 0x0",
                                      "unexpected character byte 0x1",
                                      "unexpected character byte 0x7f"}));
}

TEST_F(LexerTest, TokensPointIntoTheBufferAtTheirLineAndColumn) {
  std::vector<Token> tokens = lex("neuron A {\n  param x\n}");
  ASSERT_GE(tokens.size(), 6u);
  EXPECT_EQ(tokens[4].text, "param");
  auto [line, column] = sourceMgr.getLineAndColumn(tokens[4].loc());
  EXPECT_EQ(line, 2u);
  EXPECT_EQ(column, 3u);
  EXPECT_EQ(tokens[4].range().End.getPointer() -
                tokens[4].range().Start.getPointer(),
            5);
}

TEST_F(LexerTest, EndOfFileRepeatsOnceReached) {
  unsigned id = sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy("x", "eof.snn"), llvm::SMLoc());
  Lexer lexer(sourceMgr.getMemoryBuffer(id)->getBuffer(), diags);
  EXPECT_TRUE(lexer.next().is(K::Identifier));
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(lexer.next().is(K::Eof));
}

TEST_F(LexerTest, EmptyInputIsJustEndOfFile) {
  EXPECT_EQ(kinds(""), std::vector<K>{K::Eof});
  EXPECT_EQ(kinds("   \t  # only a comment"), std::vector<K>{K::Eof});
}

} // namespace
