// GraphiQL on this server's /graphql, subscriptions over its WebSocket; everything same-origin.
(function () {
  var url = new URL("/graphql", window.location.href);
  var socket = new URL(url);
  socket.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  var fetcher = GraphiQL.createFetcher({ url: url.toString(), subscriptionUrl: socket.toString() });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, { fetcher: fetcher, defaultEditorToolsVisibility: true }));
})();
