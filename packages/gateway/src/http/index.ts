// HTTP vocabulary shared by the server, the composing pieces and the bridges
// (`@gateway-interop/gateway/http`): one definition of each, so no two places can disagree.
export { HOP_BY_HOP, decodePath, isFieldValue, isHopByHop, isToken, reasonPhrase, statusLine, statusText } from './vocabulary.ts';
export { encodePath, pathBelowMount, rawPathBelowMount, rawPathOf, stripSegments, targetBelowMount } from './mount-path.ts';
