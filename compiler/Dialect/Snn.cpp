//===- Snn.cpp - The snn dialect: verifiers, assembly, builders -----------===//

#include "snnc/compiler/Dialect/Snn.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include "mlir/IR/DialectImplementation.h"
#include "mlir/IR/OpImplementation.h"

#include <cmath>

using namespace mlir;
using namespace snnc::snn;

#include "snnc/compiler/Dialect/SnnDialect.cpp.inc"

/// Folded values (snn.exprel of a constant) become arith constants.
Operation *SnnDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  if (auto typed = dyn_cast<TypedAttr>(value))
    return builder.create<arith::ConstantOp>(loc, type, typed);
  return nullptr;
}

void SnnDialect::initialize() {
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "snnc/compiler/Dialect/SnnOps.cpp.inc"
      >();
}

namespace {
/// Creates the single block of `region` with `types` arguments and a
/// terminating snn.yield.
void buildBody(OpBuilder &builder, OperationState &state, TypeRange types) {
  Region *region = state.addRegion();
  Block *block = new Block();
  for (Type type : types)
    block->addArgument(type, state.location);
  region->push_back(block);
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToEnd(block);
  builder.create<YieldOp>(state.location);
}

/// The entry block must take exactly `types`.
LogicalResult verifyBodyArguments(Operation *op, Region &body, TypeRange types,
                                  StringRef what) {
  Block &block = body.front();
  if (block.getNumArguments() != types.size())
    return op->emitOpError("body must take ") << what;
  for (auto [arg, type] : llvm::zip(block.getArguments(), types))
    if (arg.getType() != type)
      return op->emitOpError("body must take ") << what;
  return success();
}

ParseResult parseBody(OpAsmParser &parser, OperationState &result) {
  Region *body = result.addRegion();
  if (parser.parseRegion(*body, /*arguments=*/{}))
    return failure();
  if (body->empty())
    return parser.emitError(parser.getCurrentLocation(), "empty body");
  OpBuilder builder(parser.getContext());
  Block &block = body->front();
  if (block.empty() || !block.back().hasTrait<OpTrait::IsTerminator>()) {
    builder.setInsertionPointToEnd(&block);
    builder.create<YieldOp>(result.location);
  }
  return success();
}
} // namespace

//===----------------------------------------------------------------------===//
// time_loop
//===----------------------------------------------------------------------===//

void TimeLoopOp::build(OpBuilder &builder, OperationState &state, Value begin,
                       Value end, double dt, Type timeType) {
  state.addOperands({begin, end});
  state.addAttribute(getDtAttrName(state.name), builder.getF64FloatAttr(dt));
  state.addAttribute(getTimeTypeAttrName(state.name), TypeAttr::get(timeType));
  buildBody(builder, state, {builder.getIndexType(), timeType});
}

LogicalResult TimeLoopOp::verify() {
  if (!(getDt().convertToDouble() > 0))
    return emitOpError("needs a positive dt, got ")
           << getDt().convertToDouble();
  if (!isa<FloatType>(getTimeType()))
    return emitOpError("time must be a float type");
  return verifyBodyArguments(*this, getBody(),
                             {IndexType::get(getContext()), getTimeType()},
                             "(index, time)");
}

void TimeLoopOp::print(OpAsmPrinter &p) {
  p << " " << getBegin() << " to " << getEnd() << " dt ";
  p.printAttributeWithoutType(getDtAttr());
  p << " : " << getTimeType() << " ";
  p.printRegion(getBody(), /*printEntryBlockArgs=*/true,
                /*printBlockTerminators=*/false);
  p.printOptionalAttrDict((*this)->getAttrs(),
                          {getDtAttrName(), getTimeTypeAttrName()});
}

ParseResult TimeLoopOp::parse(OpAsmParser &parser, OperationState &result) {
  OpAsmParser::UnresolvedOperand begin, end;
  double dt;
  Type timeType;
  Type index = parser.getBuilder().getIndexType();
  if (parser.parseOperand(begin) || parser.parseKeyword("to") ||
      parser.parseOperand(end) || parser.parseKeyword("dt") ||
      parser.parseFloat(dt) || parser.parseColonType(timeType) ||
      parser.resolveOperand(begin, index, result.operands) ||
      parser.resolveOperand(end, index, result.operands))
    return failure();
  result.addAttribute("dt", parser.getBuilder().getF64FloatAttr(dt));
  result.addAttribute("timeType", TypeAttr::get(timeType));
  if (parseBody(parser, result))
    return failure();
  return parser.parseOptionalAttrDict(result.attributes);
}

//===----------------------------------------------------------------------===//
// for_each_neuron
//===----------------------------------------------------------------------===//

void ForEachNeuronOp::build(OpBuilder &builder, OperationState &state,
                            StringRef population, int64_t offset, int64_t size,
                            bool elementwise, ValueRange range) {
  state.addOperands(range);
  state.addAttribute(getPopulationAttrName(state.name),
                     builder.getStringAttr(population));
  state.addAttribute(getOffsetAttrName(state.name),
                     builder.getI64IntegerAttr(offset));
  state.addAttribute(getSizeAttrName(state.name),
                     builder.getI64IntegerAttr(size));
  if (elementwise)
    state.addAttribute(getElementwiseAttrName(state.name),
                       builder.getUnitAttr());
  buildBody(builder, state, {builder.getIndexType()});
}

LogicalResult ForEachNeuronOp::verify() {
  if (static_cast<int64_t>(getSize()) < 1)
    return emitOpError("needs at least one neuron, got ") << getSize();
  if (static_cast<int64_t>(getOffset()) < 0)
    return emitOpError("needs an offset of at least 0, got ") << getOffset();
  if (!getRange().empty() && getRange().size() != 2)
    return emitOpError("a range is two indices [lo, hi), got ")
           << getRange().size();
  return verifyBodyArguments(*this, getBody(), {IndexType::get(getContext())},
                             "the neuron index");
}

/// `range [%lo, %hi)`, or nothing: one thread's share of a pass.
static void printNeuronRange(OpAsmPrinter &p, Operation *, OperandRange range) {
  if (!range.empty())
    p << " range [" << range[0] << ", " << range[1] << ")";
}

static ParseResult
parseNeuronRange(OpAsmParser &parser,
                 SmallVectorImpl<OpAsmParser::UnresolvedOperand> &range) {
  if (failed(parser.parseOptionalKeyword("range")))
    return success();
  OpAsmParser::UnresolvedOperand lo, hi;
  if (parser.parseLSquare() || parser.parseOperand(lo) || parser.parseComma() ||
      parser.parseOperand(hi) || parser.parseRParen())
    return failure();
  range.append({lo, hi});
  return success();
}

void ForEachNeuronOp::print(OpAsmPrinter &p) {
  p << " ";
  p.printAttributeWithoutType(getPopulationAttr());
  if (getOffset() != 0)
    p << " offset " << getOffset();
  p << " size " << getSize();
  printNeuronRange(p, *this, getRange());
  if (getElementwise())
    p << " elementwise";
  p << " ";
  p.printRegion(getBody(), true, false);
  p.printOptionalAttrDict((*this)->getAttrs(),
                          {getPopulationAttrName(), getOffsetAttrName(),
                           getSizeAttrName(), getElementwiseAttrName()});
}

ParseResult ForEachNeuronOp::parse(OpAsmParser &parser,
                                   OperationState &result) {
  std::string population;
  int64_t offset = 0, size;
  Builder &builder = parser.getBuilder();
  if (parser.parseString(&population))
    return failure();
  if (succeeded(parser.parseOptionalKeyword("offset")) &&
      parser.parseInteger(offset))
    return failure();
  if (parser.parseKeyword("size") || parser.parseInteger(size))
    return failure();
  result.addAttribute("population", builder.getStringAttr(population));
  result.addAttribute("offset", builder.getI64IntegerAttr(offset));
  result.addAttribute("size", builder.getI64IntegerAttr(size));
  SmallVector<OpAsmParser::UnresolvedOperand, 2> range;
  if (parseNeuronRange(parser, range) ||
      parser.resolveOperands(range, builder.getIndexType(), result.operands))
    return failure();
  if (succeeded(parser.parseOptionalKeyword("elementwise")))
    result.addAttribute("elementwise", builder.getUnitAttr());
  if (parseBody(parser, result))
    return failure();
  return parser.parseOptionalAttrDict(result.attributes);
}

//===----------------------------------------------------------------------===//
// integrate
//===----------------------------------------------------------------------===//

void IntegrateOp::build(OpBuilder &builder, OperationState &state,
                        ValueRange states, ValueRange rhs, Value time,
                        snnc::model::Integrator method, double dt) {
  build(builder, state, states.getTypes(), states, rhs, time,
        IntegratorAttr::get(builder.getContext(), method),
        builder.getF64FloatAttr(dt));
}

LogicalResult IntegrateOp::verify() {
  if (!snnc::model::integratorInfo(getMethod()).stepped)
    return emitOpError("cannot step with '")
           << snnc::model::integratorName(getMethod()) << "' (expected "
           << snnc::model::integratorList(/*steppedOnly=*/true) << ")";
  if (!(getDt().convertToDouble() > 0))
    return emitOpError("needs a positive dt");
  if (getStates().empty())
    return emitOpError("needs at least one state");
  if (getStates().size() != getRhs().size() ||
      getStates().size() != getResults().size())
    return emitOpError("needs one right-hand side and one result per state");
  for (auto [x, f, r] : llvm::zip(getStates(), getRhs(), getResults()))
    if (x.getType() != f.getType() || x.getType() != r.getType())
      return emitOpError("state, right-hand side and result types differ");
  if (getTime() && getTime().getType() != getStates().front().getType())
    return emitOpError("time must have the states' type");
  return success();
}

void IntegrateOp::print(OpAsmPrinter &p) {
  p << " " << snnc::model::integratorName(getMethod());
  p << " (" << getStates() << ") rhs (" << getRhs() << ")";
  if (getTime())
    p << " time " << getTime();
  p << " dt ";
  p.printAttributeWithoutType(getDtAttr());
  p.printOptionalAttrDict(
      (*this)->getAttrs(),
      {getMethodAttrName(), getDtAttrName(), getOperandSegmentSizesAttrName()});
  p << " : " << getStates().getTypes();
}

ParseResult IntegrateOp::parse(OpAsmParser &parser, OperationState &result) {
  FailureOr<snnc::model::Integrator> method;
  SmallVector<OpAsmParser::UnresolvedOperand> states, rhs;
  OpAsmParser::UnresolvedOperand time;
  bool hasTime = false;
  double dt;
  SmallVector<Type> types;
  if (failed(method = parseIntegratorKeyword(parser)) ||
      parser.parseOperandList(states, OpAsmParser::Delimiter::Paren) ||
      parser.parseKeyword("rhs") ||
      parser.parseOperandList(rhs, OpAsmParser::Delimiter::Paren))
    return failure();
  if (succeeded(parser.parseOptionalKeyword("time"))) {
    hasTime = true;
    if (parser.parseOperand(time))
      return failure();
  }
  llvm::SMLoc typesLoc;
  if (parser.parseKeyword("dt") || parser.parseFloat(dt) ||
      parser.parseOptionalAttrDict(result.attributes) || parser.parseColon() ||
      parser.getCurrentLocation(&typesLoc) || parser.parseTypeList(types))
    return failure();
  if (types.size() != states.size() || types.size() != rhs.size() ||
      types.empty())
    return parser.emitError(typesLoc,
                            "expected one type per state and right-hand side");
  if (parser.resolveOperands(states, types, typesLoc, result.operands) ||
      parser.resolveOperands(rhs, types, typesLoc, result.operands) ||
      (hasTime && parser.resolveOperand(time, types.front(), result.operands)))
    return failure();
  Builder &builder = parser.getBuilder();
  result.addAttribute("method",
                      IntegratorAttr::get(builder.getContext(), *method));
  result.addAttribute("dt", builder.getF64FloatAttr(dt));
  result.addAttribute("operandSegmentSizes",
                      builder.getDenseI32ArrayAttr(
                          {static_cast<int32_t>(states.size()),
                           static_cast<int32_t>(rhs.size()), hasTime ? 1 : 0}));
  result.addTypes(types);
  return success();
}

//===----------------------------------------------------------------------===//
// exprel
//===----------------------------------------------------------------------===//

OpFoldResult ExprelOp::fold(FoldAdaptor adaptor) {
  auto input = dyn_cast_or_null<FloatAttr>(adaptor.getInput());
  if (!input)
    return {};
  double x = input.getValueAsDouble();
  double value = x == 0 ? 1.0 : std::expm1(x) / x;
  return FloatAttr::get(input.getType(), value);
}

//===----------------------------------------------------------------------===//
// propagate
//===----------------------------------------------------------------------===//

void PropagateOp::build(OpBuilder &builder, OperationState &state, Value spikes,
                        Value count, Value rowStart, Value targets,
                        int64_t sourceBegin, int64_t sourceEnd,
                        int64_t partitions, Value bounds, Value partsBegin,
                        Value partsEnd) {
  state.addOperands({spikes, count, rowStart, targets});
  if (bounds)
    state.addOperands({bounds, partsBegin, partsEnd});
  state.addAttribute(getSourceBeginAttrName(state.name),
                     builder.getI64IntegerAttr(sourceBegin));
  state.addAttribute(getSourceEndAttrName(state.name),
                     builder.getI64IntegerAttr(sourceEnd));
  state.addAttribute(getPartitionsAttrName(state.name),
                     builder.getI64IntegerAttr(partitions));
  buildBody(builder, state, {builder.getIndexType(), builder.getIndexType()});
}

LogicalResult PropagateOp::verify() {
  auto begin = static_cast<int64_t>(getSourceBegin());
  auto end = static_cast<int64_t>(getSourceEnd());
  if (begin < 0 || begin >= end)
    return emitOpError("source slice [")
           << begin << ", " << end << ") is empty";
  auto partitions = static_cast<int64_t>(getPartitions());
  if (partitions < 1)
    return emitOpError("needs at least one partition, got ") << partitions;
  if (!getPartition().empty()) {
    if (getPartition().size() != 3 ||
        !isa<MemRefType>(getPartition()[0].getType()) ||
        !getPartition()[1].getType().isIndex() ||
        !getPartition()[2].getType().isIndex())
      return emitOpError("partitioned, needs the spike list's segment "
                         "bounds (memref) and the partitions [first, end) "
                         "(index, index)");
    if (partitions == 1)
      return emitOpError("segment bounds and partitions only with "
                         "partitions > 1");
  }
  auto rows = cast<MemRefType>(getRowStart().getType());
  if (rows.hasStaticShape() &&
      rows.getNumElements() != (end - begin) * partitions + 1)
    return emitOpError("row_start needs one entry per source neuron and "
                       "partition, plus one, got ")
           << rows.getNumElements();
  return verifyBodyArguments(
      *this, getBody(),
      {IndexType::get(getContext()), IndexType::get(getContext())},
      "(target index, synapse index)");
}

void PropagateOp::print(OpAsmPrinter &p) {
  p << " " << getSpikes() << ", " << getCount() << " through " << getRowStart()
    << ", " << getTargets() << " source [" << getSourceBegin() << ", "
    << getSourceEnd() << ")";
  bool partitioned = !getPartition().empty();
  if (getPartitions() > 1)
    p << " partitions " << getPartitions();
  if (partitioned)
    p << " bounds " << getPartition()[0] << " parts [" << getPartition()[1]
      << ", " << getPartition()[2] << ")";
  p << " : " << getSpikes().getType() << ", " << getCount().getType() << ", "
    << getRowStart().getType() << ", " << getTargets().getType();
  if (partitioned)
    p << ", " << getPartition()[0].getType();
  p << " ";
  p.printRegion(getBody(), true, false);
  p.printOptionalAttrDict((*this)->getAttrs(),
                          {getSourceBeginAttrName(), getSourceEndAttrName(),
                           getPartitionsAttrName()});
}

ParseResult PropagateOp::parse(OpAsmParser &parser, OperationState &result) {
  OpAsmParser::UnresolvedOperand spikes, count, rows, targets, bounds,
      partsBegin, partsEnd;
  int64_t begin, end, partitions = 1;
  SmallVector<Type, 5> types;
  if (parser.parseOperand(spikes) || parser.parseComma() ||
      parser.parseOperand(count) || parser.parseKeyword("through") ||
      parser.parseOperand(rows) || parser.parseComma() ||
      parser.parseOperand(targets) || parser.parseKeyword("source") ||
      parser.parseLSquare() || parser.parseInteger(begin) ||
      parser.parseComma() || parser.parseInteger(end) || parser.parseRParen())
    return failure();
  SmallVector<OpAsmParser::UnresolvedOperand, 5> operands{spikes, count, rows,
                                                          targets};
  if (succeeded(parser.parseOptionalKeyword("partitions")) &&
      parser.parseInteger(partitions))
    return failure();
  bool partitioned = succeeded(parser.parseOptionalKeyword("bounds"));
  if (partitioned) {
    if (parser.parseOperand(bounds) || parser.parseKeyword("parts") ||
        parser.parseLSquare() || parser.parseOperand(partsBegin) ||
        parser.parseComma() || parser.parseOperand(partsEnd) ||
        parser.parseRParen())
      return failure();
    operands.push_back(bounds);
  }
  if (parser.parseColonTypeList(types))
    return failure();
  if (types.size() != operands.size())
    return parser.emitError(parser.getCurrentLocation(), "expected ")
           << operands.size() << " operand types";
  Builder &builder = parser.getBuilder();
  if (parser.resolveOperands(operands, types, parser.getCurrentLocation(),
                             result.operands))
    return failure();
  if (partitioned && (parser.resolveOperand(partsBegin, builder.getIndexType(),
                                            result.operands) ||
                      parser.resolveOperand(partsEnd, builder.getIndexType(),
                                            result.operands)))
    return failure();
  result.addAttribute("sourceBegin", builder.getI64IntegerAttr(begin));
  result.addAttribute("sourceEnd", builder.getI64IntegerAttr(end));
  result.addAttribute("partitions", builder.getI64IntegerAttr(partitions));
  if (parseBody(parser, result))
    return failure();
  return parser.parseOptionalAttrDict(result.attributes);
}

//===----------------------------------------------------------------------===//
// compact
//===----------------------------------------------------------------------===//

LogicalResult CompactOp::verify() {
  auto flags = cast<MemRefType>(getFlags().getType());
  auto spikes = cast<MemRefType>(getSpikes().getType());
  if (flags.hasStaticShape() && spikes.hasStaticShape() &&
      flags.getNumElements() != (spikes.getNumElements() + 7) / 8 * 8)
    return emitOpError("flags must cover the spike list rounded up to whole "
                       "8-byte words");
  bool recording = static_cast<bool>(getRecordIndices());
  if (recording != static_cast<bool>(getRecordCounts()) ||
      recording != static_cast<bool>(getRecordFill()) ||
      recording != static_cast<bool>(getLocalStep()))
    return emitOpError("recording needs indices, counts, fill and step");
  if (!getPart().empty() && getPart().size() != 3)
    return emitOpError("a part is (lo, hi, slot), got ")
           << getPart().size() << " indices";
  return success();
}

//===----------------------------------------------------------------------===//
// record_state
//===----------------------------------------------------------------------===//

LogicalResult RecordStateOp::verify() {
  auto source = cast<MemRefType>(getSource().getType());
  auto buffer = cast<MemRefType>(getBuffer().getType());
  int64_t offset = getOffset(), size = getSize();
  if (source.getElementType() != buffer.getElementType())
    return emitOpError("records into a buffer of another element type");
  if (size < 1 || offset < 0)
    return emitOpError("needs at least one neuron at an offset of at least "
                       "0, got size ")
           << size << " at " << offset;
  if (source.hasStaticShape() && offset + size > source.getNumElements())
    return emitOpError("records neurons ")
           << offset << " .. " << offset + size - 1 << " of a state of "
           << source.getNumElements();
  if (buffer.hasStaticShape() && buffer.getNumElements() % size != 0)
    return emitOpError("needs a buffer of whole rows of ") << size;
  if (!getRange().empty() && getRange().size() != 2)
    return emitOpError("a range is two indices [lo, hi), got ")
           << getRange().size();
  return success();
}

#define GET_OP_CLASSES
#include "snnc/compiler/Dialect/SnnOps.cpp.inc"
