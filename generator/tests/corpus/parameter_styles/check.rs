// The exact path, query and headers of each style (Prism accepts some wrong forms, so the
// wire text itself is asserted). Objects' members are named in
// alphabetical order, so that serde_json's order is the same with or without `preserve_order`.
let client = parameter_styles::Client::builder().base_url("http://127.0.0.1:9").build().unwrap();
let ops = client.operations();
let mut filter = types::ListItemsFilter::new();
filter.status = Some("active".into());
filter.amount = Some(5);
let list = ops
    .list_items()
    .sort(vec!["-createdTime".into(), "id".into()])
    .tag(vec!["a b".into(), "c,d".into()])
    .ids(vec![1, 2, 3])
    .colors(vec!["blue".into(), "black".into()])
    .filter(filter)
    .point(types::Point::new(1, 2))
    .at(types::Point::new(3, 4))
    .redirect("https://example.com/back?x=1&y=2")
    .x_trace(vec!["a".into(), "b".into()])
    .x_point(types::Point::new(5, 6))
    .request()
    .unwrap();
assert_eq!(
    list.path_and_query().unwrap(),
    "/items?sort=-createdTime,id&tag=a%20b&tag=c%2Cd&ids=1%202%203&colors=blue|black\
     &filter[amount]=5&filter[status]=active&point=x,1,y,2&x=3&y=4\
     &redirect=https://example.com/back?x%3D1%26y%3D2"
);
let headers: Vec<(String, String)> = list
    .headers()
    .map(|(n, v)| (n.to_string(), v.to_str().unwrap().to_string()))
    .collect();
assert_eq!(
    headers,
    [
        ("x-trace".to_string(), "a,b".to_string()),
        ("x-point".to_string(), "x=5,y=6".to_string())
    ]
);
let nothing_set = ops.list_items().request().unwrap();
assert_eq!(nothing_set.path_and_query().unwrap(), "/items");

let shape = ops
    .get_shape(vec!["a".into(), "b".into()], vec!["c".into(), "d".into()], types::Point::new(7, 8))
    .request()
    .unwrap();
assert_eq!(shape.path_and_query().unwrap(), "/shapes/.a.b/;matrix=c,d/x=7,y=8");
let matrix = ops.get_matrix(types::Point::new(1, 2), "v w").request().unwrap();
assert_eq!(matrix.path_and_query().unwrap(), "/matrix/;x=1;y=2/.v%20w");
