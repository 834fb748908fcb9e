// HTTP vocabulary shared by the server, the composing pieces and the bridges
// (`@gateway-interop/gateway/http`): one definition of each, so no two places can disagree.
export { decodePath, encodePath, pathBelowMount, rawPathBelowMount, rawPathOf, stripSegments, targetBelowMount } from './mount-path.ts';
